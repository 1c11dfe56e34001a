"""The offices' public pages: the list (the site's home) and each office's page."""

from django.urls import path

from offices import views

urlpatterns = [
    path("", views.office_list, name="home"),
    path("offices/<slug:slug>/", views.office_detail, name="office-detail"),
]
