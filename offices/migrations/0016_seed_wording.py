"""
The seeded offices' words, corrected (issue 26), for databases seeded before: Kawagoe's note
no longer limits online booking to people with an assigned counselor (anyone books with
its web form) nor gives a deadline of its own; Sasebo's evening/Saturday service no longer
says it is for job seekers only (employers book there too) nor words its confirmation
otherwise than the office page; the demo notes use the glossary's words (取り消し,
無断欠席). Only a text still as the seed wrote it changes: a manager's own words stay.
"""

from django.db import migrations

OLD_KAWAGOE_NOTE = (
    "担当の相談員が継続して相談を行う方が対象です。"
    "日程の連絡メールが翌営業日までに届かない場合はお電話ください。"
)
OLD_KAWAGOE_NOTE_EN = (
    "For job seekers continuing counseling with their assigned counselor. "
    "If no email about the date arrives by the next business day, please call."
)
OLD_EVENING = (
    "平日夜間と土曜日に行う求職者向けの相談です。1回45分。"
    "お申し込みの後、1時間以内にメールのリンクを開くと予約が確定します。"
)
OLD_EVENING_EN = (
    "Counseling for job seekers on weekday evenings and Saturdays. 45 minutes. "
    "Open the link in the email within one hour to confirm the booking."
)
NEW_EVENING = "平日夜間と土曜日に行う相談です。1回45分。"
NEW_EVENING_EN = "Counseling on weekday evenings and Saturdays. 45 minutes."

# The demo notes' sentences, old -> new (staff read them in the admin).
NOTE_WORDS = [
    ("当日の取消しや連絡は電話のため", "当日の取り消しや連絡は電話のため"),
    ("デモ値：無断キャンセルによる利用停止", "デモ値：無断欠席による利用停止"),
    ("キャンセル期限（前日まで）も仮の値です。", "取り消しの期限（前日まで）も仮の値です。"),
]
SLUGS = ["kawagoe", "sasebo", "toyooka", "matsudo", "yamaguchi"]


def _reword(rows, pairs) -> None:
    for row in rows:
        note = row.admin_note
        for old, new in pairs:
            note = note.replace(old, new)
        if note != row.admin_note:
            row.admin_note = note
            row.save(update_fields=["admin_note"])


def forwards(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Service = apps.get_model("offices", "Service")
    Office.objects.filter(slug="kawagoe", preparation_note=OLD_KAWAGOE_NOTE).update(
        preparation_note=""
    )
    Office.objects.filter(slug="kawagoe", preparation_note_en=OLD_KAWAGOE_NOTE_EN).update(
        preparation_note_en=""
    )
    evening = Service.objects.filter(office__slug="sasebo", slug="evening-saturday")
    evening.filter(description=OLD_EVENING).update(description=NEW_EVENING)
    evening.filter(description_en=OLD_EVENING_EN).update(description_en=NEW_EVENING_EN)
    _reword(Office.objects.filter(slug__in=SLUGS), NOTE_WORDS)
    _reword(Service.objects.filter(office__slug__in=SLUGS), NOTE_WORDS)


class Migration(migrations.Migration):
    dependencies = [("offices", "0015_request_decision_business_days")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
