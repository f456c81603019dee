from django.urls import path

from rathaus.payments import views

app_name = "payments"

urlpatterns = [
    path("benachrichtigung/<slug:provider>/", views.notify, name="notify"),
    path("rueckkehr/<uuid:payment_id>/", views.payment_return, name="return"),
    path("anforderung/<uuid:request_id>/", views.payment_request, name="request"),
]
