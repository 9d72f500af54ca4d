from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    # Keys are URL-safe base64 (`models.new_key`): anything else is not an address of ours.
    path("unsubscribe/<slug:key>/", views.unsubscribe, name="unsubscribe"),
]
