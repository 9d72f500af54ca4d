"""A URL configuration with the regions somewhere else, for tests of addresses that follow it."""

from django.urls import include, path

from reader import views

urlpatterns = [
    path("", include(([path("places/<slug:slug>/", views.RegionView.as_view(), name="region")], "reader"))),
]
