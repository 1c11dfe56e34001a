from django.urls import path

from interviews import views

urlpatterns = [
    path("interviews/<str:token>/", views.interview_page, name="interview"),
    path(
        "interviews/<str:token>/cancel/",
        views.interview_change,
        {"what": "cancel"},
        name="interview-cancel",
    ),
    path(
        "interviews/<str:token>/move/",
        views.interview_change,
        {"what": "move"},
        name="interview-move",
    ),
    path("selection/<str:token>/", views.selection_page, name="selection"),
]
