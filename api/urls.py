from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("openapi.json", views.openapi_description, name="openapi"),
]
