"""Workflow (issue 12): BPMN 2.0 processes for clerks executed with SpiffWorkflow, DMN 1.3
decision tables with a FEEL layer of our own (`workflow.dmn`), work items, deadlines,
four-eyes approval and decisions (Bescheide)."""
