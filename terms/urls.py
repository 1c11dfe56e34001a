"""An office's terms of use: the version in force and any earlier one."""

from django.urls import path

from terms import views

urlpatterns = [
    path("offices/<slug:slug>/terms/", views.terms_current, name="terms-current"),
    path("offices/<slug:slug>/terms/<int:version_id>/", views.terms_version, name="terms-version"),
]
