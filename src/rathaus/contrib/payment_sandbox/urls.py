from django.urls import path

from rathaus.contrib.payment_sandbox import views

app_name = "payment_sandbox"

urlpatterns = [
    path("<uuid:payment_id>/", views.page, name="page"),
]
