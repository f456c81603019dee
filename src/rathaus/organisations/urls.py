from django.urls import path

from rathaus.organisations import views

app_name = "organisations"

# Included under /konto/ (see rathaus/urls.py).
urlpatterns = [
    path("handeln-fuer/", views.acting_as, name="acting-as"),
    path("organisationen/", views.organisation_list, name="list"),
    path("organisationen/<uuid:organisation_id>/", views.organisation_detail, name="detail"),
    path(
        "organisationen/<uuid:organisation_id>/verlassen/",
        views.membership_leave,
        name="leave",
    ),
    path(
        "organisationen/<uuid:organisation_id>/mitglieder/<uuid:membership_id>/entfernen/",
        views.membership_remove,
        name="member-remove",
    ),
    path(
        "organisationen/<uuid:organisation_id>/mitglieder/<uuid:membership_id>/rolle/",
        views.membership_role,
        name="member-role",
    ),
    path(
        "organisationen/<uuid:organisation_id>/einladungen/<uuid:invitation_id>/zurueckziehen/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("vollmachten/", views.proxy_list, name="proxies"),
    path("vollmachten/<uuid:proxy_id>/widerrufen/", views.proxy_revoke, name="proxy-revoke"),
]
