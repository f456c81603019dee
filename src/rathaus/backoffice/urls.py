from django.urls import path

from rathaus.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.start, name="start"),
    path("leistungen/", views.service_offers, name="service-offers"),
    path("aemter/<uuid:office_id>/", views.office_detail, name="office-detail"),
    path("rollen/", views.roles, name="roles"),
    path("rollen/<uuid:assignment_id>/entziehen/", views.role_revoke, name="role-revoke"),
]
