from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("items/", views.items, name="items"),
    # Any id, so that one that is not a number is this API's JSON 404 too.
    path("items/<str:pk>/", views.item, name="item"),
    path("openapi.json", views.openapi_description, name="openapi"),
    # Only addresses ending in a slash, so that a missing slash is still added by a redirect first.
    re_path(r"^(?P<rest>.*/)$", views.not_found),
]
