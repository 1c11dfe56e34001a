from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Online interviews")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, role_permissions_grant

        # A counselor arranges interviews of their office and records what became of them
        # (every change through the admin's actions, which call the services).
        role_permissions_grant(
            "interviews",
            COUNSELORS,
            [
                "view_interview",
                "add_interview",
                "change_interview",
                "view_employer",
                "view_selectionblock",
                "add_selectionblock",
            ],
        )
        import interviews.tasks  # noqa: F401  (registers the tasks with Celery)
        from bookings import hooks
        from interviews.figures import FIGURES
        from interviews.selectors import holding_counselors
        from interviews.services import retention

        # What the booking core and the figures must know of interviews, which they may
        # not import: an interview the counselor attends is their time, as a booking is
        # (free times and every booking read it); a job seeker in a recent interview or
        # managed selection is kept by the nightly purge, which purges interviews too; the
        # office's figures count interviews.
        hooks.commitment_source_register("interviews", holding_counselors)
        hooks.person_activity_register("interviews", retention.job_seekers_in_recent_interviews)
        hooks.person_activity_register("selection", retention.job_seekers_in_recent_selections)
        hooks.personal_data_purge_register(
            "interviews", lambda now: retention.interviews_personal_data_purge(now=now)
        )
        hooks.figure_source_register(FIGURES)
