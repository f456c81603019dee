from django.urls import path

from rathaus.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("<slug:municipality_slug>/", views.start, name="start"),
    path("<slug:municipality_slug>/suche/", views.search, name="search"),
    path("<slug:municipality_slug>/leistungen/", views.service_list, name="service-list"),
    path(
        "<slug:municipality_slug>/leistungen/<slug:service_slug>/",
        views.service_detail,
        name="service-detail",
    ),
    path(
        "<slug:municipality_slug>/lebenslagen/",
        views.life_situation_list,
        name="life-situation-list",
    ),
    path(
        "<slug:municipality_slug>/lebenslagen/<slug:situation_slug>/",
        views.life_situation_detail,
        name="life-situation-detail",
    ),
    path("<slug:municipality_slug>/aemter/", views.office_list, name="office-list"),
    path(
        "<slug:municipality_slug>/aemter/<slug:office_slug>/",
        views.office_detail,
        name="office-detail",
    ),
    path("<slug:municipality_slug>/zustaendigkeit/", views.responsibility, name="responsibility"),
    path("<slug:municipality_slug>/impressum/", views.imprint, name="imprint"),
    path("<slug:municipality_slug>/datenschutz/", views.privacy, name="privacy"),
    path("<slug:municipality_slug>/barrierefreiheit/", views.accessibility, name="accessibility"),
    path("<slug:municipality_slug>/leichte-sprache/", views.easy_language, name="easy-language"),
    path("<slug:municipality_slug>/gebaerdensprache/", views.sign_language, name="sign-language"),
]
