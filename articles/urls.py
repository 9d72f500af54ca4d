from django.urls import path

from . import preview, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("region/<slug:slug>/", views.RegionView.as_view(), name="region"),
    path("topic/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
    path("preview/article/<int:pk>/", preview.staff_preview, name="staff_preview"),
]
