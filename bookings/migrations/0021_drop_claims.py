"""Issue 23: the fields of claims go (no link is sent to an address on record any more)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0020_applicant_source"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="applicant",
            name="claimed",
        ),
        migrations.RemoveField(
            model_name="applicant",
            name="link_token_hash",
        ),
        migrations.RemoveField(
            model_name="applicant",
            name="linked_at",
        ),
        migrations.AlterField(
            model_name="applicant",
            name="email",
            field=models.EmailField(
                blank=True,
                help_text="Made by the office: the address a counselor checked (invitations go there). Open online booking: the address that booking gave.",
                max_length=254,
                verbose_name="email on record",
            ),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="identity_key",
            field=models.CharField(
                help_text="Made by the office: jsn:<job-seeker number>, email:<address> or tel:<phone>. Open online booking: web:<email address>.",
                max_length=200,
                verbose_name="identity",
            ),
        ),
        migrations.AlterField(
            model_name="bookingevent",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("booked", "Booked via %(channel)s"),
                    ("email_checked", "Email address checked"),
                    ("email_check_lapsed", "Email check window passed"),
                    ("confirmed", "Confirmed by a counselor"),
                    ("checked_in", "Checked in"),
                    ("completed", "Completed"),
                    ("switched_to_phone", "Connection trouble: switched to phone"),
                    ("no_show_by_staff", "Marked as a no-show by a counselor"),
                    (
                        "no_show_automatic",
                        "Not joined %(minutes)s minutes after the start, no contact",
                    ),
                    ("extended", "Extended by %(minutes)s min (end %(old_end)s → %(new_end)s)"),
                    ("proposed", "Another time proposed (was %(was_at)s)"),
                    ("accepted_proposal", "Accepted the proposed time"),
                    ("cancelled_online", "Cancelled online"),
                    ("cancelled_by_staff", "Cancelled by the office"),
                    ("cancelled_on_request", "Cancelled by a counselor at the person's request"),
                    ("cancelled_for_closure", "Cancelled: the office closes on %(closed_day)s"),
                    ("meeting_reissue", "Meeting re-issue requested"),
                    ("meeting_link_pasted", "Meeting link pasted"),
                    ("reconsent", "Agreed to terms version %(version)s"),
                    ("undone", "Undone: back from %(from_status)s to %(to_status)s"),
                    ("request_confirmed", "Request confirmed from the email"),
                    ("request_undecided", "Not answered by the office in time: lapsed"),
                    (
                        "same_person_holds_time",
                        "Released when the email was confirmed: the address already holds this time",
                    ),
                    (
                        "person_limit",
                        "Released when the email was confirmed: the address holds the most bookings",
                    ),
                    ("undecided_at_start", "Still undecided when the session started"),
                    ("closed_completed", "Checked in and never completed: closed"),
                    ("closed_without_outcome", "No outcome recorded after the session: closed"),
                    ("proposal_declined", "Turned down the proposed time"),
                    ("moved", "Moved by the person (was %(was_at)s, now %(new_at)s)"),
                    ("change_requested", "Asked to move to %(to_at)s"),
                    (
                        "change_confirmed",
                        "Change of time confirmed (was %(was_at)s, now %(new_at)s)",
                    ),
                    ("change_declined", "Change of time declined"),
                    ("linked_by_staff", "Joined to person record %(person_id)s by staff"),
                    ("record_made", "Person record %(person_id)s made from this booking by staff"),
                    (
                        "linked_by_person",
                        "Joined to person record %(person_id)s: confirmed from the address on record",
                    ),
                ],
                max_length=40,
                verbose_name="what",
            ),
        ),
    ]
