"""rathaus — open-source e-government platform for German municipalities."""
