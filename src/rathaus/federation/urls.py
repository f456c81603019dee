from django.urls import path

from rathaus.federation import views

app_name = "federation"

urlpatterns = [
    path("extern/", views.overview, name="overview"),
    path("extern/anmelden/", views.login_choice, name="login"),
    path("extern/verknuepfen/", views.link_confirm, name="link-confirm"),
    path("extern/trennen/<uuid:identity_id>/", views.unlink, name="unlink"),
    path("extern/<slug:provider_key>/start/", views.begin, name="begin"),
    path("extern/<slug:provider_key>/rueckkehr/", views.callback, name="callback"),
    path("extern/<slug:provider_key>/metadaten/", views.metadata, name="metadata"),
    path("vertrauensniveau/", views.step_up, name="step-up"),
    path("leistung/<slug:service_slug>/starten/", views.service_start, name="service-start"),
]
