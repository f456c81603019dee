"""The citizen account under /konto/: German paths for the main allauth pages, then allauth."""

from allauth.account import views as allauth_views
from django.urls import include, path

from rathaus.accounts import views

# allauth's own URL names (account_login …) with German paths.
allauth_german = [
    path("anmelden/", allauth_views.login, name="account_login"),
    path("registrieren/", allauth_views.signup, name="account_signup"),
    path("abmelden/", allauth_views.logout, name="account_logout"),
    path("passwort/aendern/", allauth_views.password_change, name="account_change_password"),
    path("passwort/vergessen/", allauth_views.password_reset, name="account_reset_password"),
    path("e-mail/", allauth_views.email, name="account_email"),
]

account_pages = [
    path("", views.overview, name="overview"),
    path("profil/", views.profile, name="profile"),
    path("einwilligungen/", views.consents, name="consents"),
    path("einwilligungen/<uuid:text_id>/erteilen/", views.consent_give, name="consent-give"),
    path("einwilligungen/<slug:key>/widerrufen/", views.consent_revoke, name="consent-revoke"),
    path("daten/", views.personal_data, name="personal-data"),
    path("daten/export.json", views.personal_data_json, name="personal-data-json"),
    path("loeschen/", views.delete, name="delete"),
    path("geloescht/", views.deleted, name="deleted"),
]

# With duplicate names reverse() takes the last pattern: the German paths come after allauth's.
urlpatterns = [
    path("", include((account_pages, "accounts"))),
    path("", include("allauth.urls")),
    *allauth_german,
]
