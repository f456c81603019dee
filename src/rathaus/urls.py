from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("api/", include("rathaus.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("konto/", include("rathaus.accounts.urls")),
    path("konto/", include("rathaus.federation.urls")),
    path("konto/", include("rathaus.organisations.urls")),
    path("intern/admin/", admin.site.urls),
    path("intern/", include("rathaus.backoffice.urls")),
    path("zahlung/sandbox/", include("rathaus.contrib.payment_sandbox.urls")),
    path("zahlung/", include("rathaus.payments.urls")),
    path("antraege/", include("rathaus.portal.application_urls")),
    path("postfach/", include("rathaus.portal.mailbox_urls")),
    path("akteneinsicht/", include("rathaus.portal.inspection_urls")),
    path("", include("rathaus.portal.urls")),
]

admin.site.site_header = "rathaus – Verwaltung"
admin.site.site_title = "rathaus"
