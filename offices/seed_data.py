"""
The five first offices, as plain data for `manage.py seed_offices`.

Facts come from the offices' own documents (see the README). Where a document gives no
value, the value here is a demo value, and the office's or service's `admin_note` says
so, so that office managers confirm or replace it in the admin.

How each service is booked (`accepts_web`: open online booking; `accepts_invitations`:
online with a counselor's personal invitation; `accepts_phone`) follows the documents:
Kawagoe's names its web booking form or the phone (open, staff approval) and invitations
are added; Sasebo's evening/Saturday service has a public booking site (open); Sasebo's
weekday service, Toyooka, Matsudo and Yamaguchi book by phone or during a session, so
online they take invitations only. docs/booking-access.md says why.
"""

from datetime import time

WEEKDAYS = (0, 1, 2, 3, 4)
SATURDAY = 5

# Every published office must show a number (Office.clean): its pages send people to the
# phone. Where the documents give none, the seed gives this one, marked as a demo.
DEMO_PHONE = "00-0000-0000（デモ）"
DEMO_PHONE_NOTE = (
    "デモ値：電話番号は資料に記載がないため、仮の番号「00-0000-0000（デモ）」です。当日の"
    "取り消しや連絡は電話のため、公開するには電話番号が必要です。管理画面で正しい番号に置き換えて"
    "ください。"
)

DEMO_NO_SHOW = "デモ値：無断欠席による利用停止までの回数（3回）は規約に定めがないため仮の値です。"

# The documents book by phone or during a session: online, by invitation only.
BY_INVITATION = {"accepts_web": False, "accepts_invitations": True, "accepts_phone": True}

OFFICES = [
    {
        "slug": "kawagoe",
        "phone": DEMO_PHONE,
        "name": "ハローワーク川越",
        "name_en": "Hello Work Kawagoe",
        "kind": "hello_work",
        "platform": "teleoffice",
        "court": "さいたま地方裁判所",
        "position": 10,
        "slot_minutes": 30,
        "max_extension_minutes": 15,
        "confirmation_mode": "staff_approval",
        # Its document: 「日程の連絡メールが翌営業日までに届かない場合はお電話ください。」
        "request_decision_business_days": 1,
        "lead_time_days": 2,
        "lead_time_unit": "business_days",
        "horizon_days": 60,
        "online_cancel_allowed": True,
        "online_cancel_days_before": 1,
        "job_seeker_number": "required",
        "no_show_bar_threshold": 3,
        # Anyone may book online here (the web form); when the answer comes, and what
        # to do if none does, is each request's own next step (bookings.next_steps).
        "preparation_note": "",
        "preparation_note_en": "",
        "admin_note": "\n".join(
            [
                DEMO_PHONE_NOTE,
                "デモ値：予約受付の締切時刻（2営業日前の23:59）と"
                "予約可能期間（60日）は仮の値です。",
                DEMO_NO_SHOW,
            ]
        ),
        "services": [
            {
                "slug": "counseling",
                "name": "オンライン職業相談",
                "name_en": "Online job counseling",
                "description": (
                    "職業相談と職業紹介をオンラインで行います。1回30分（最大45分まで延長可）。"
                ),
                "description_en": (
                    "Job counseling and job referral online. 30 minutes a session, "
                    "extendable to 45."
                ),
                # The web form or the phone (document 001), and invitations besides.
                "accepts_web": True,
                "accepts_invitations": True,
                "accepts_phone": True,
                "hours": [(d, time(9, 30), time(12, 0)) for d in WEEKDAYS]
                + [(d, time(13, 0), time(16, 0)) for d in WEEKDAYS],
            },
        ],
    },
    {
        "slug": "sasebo",
        "name": "ハローワーク佐世保",
        "name_en": "Hello Work Sasebo",
        "kind": "hello_work",
        "platform": "teleoffice",
        "phone": "0956-88-2003",
        "court": "長崎地方裁判所",
        "employers_may_book": True,
        "position": 20,
        "slot_minutes": 30,
        "confirmation_mode": "staff_approval",
        "lead_time_days": 1,
        "lead_time_unit": "calendar_days",
        "horizon_days": 60,
        "online_cancel_allowed": True,
        "online_cancel_days_before": 1,
        "job_seeker_number": "required",
        "no_show_bar_threshold": 3,
        "preparation_note": (
            "公衆の無料Wi-Fiやファイル共有ソフトは使わず、ウイルス対策ソフトを最新にしてください。"
        ),
        "preparation_note_en": (
            "Do not use free public Wi-Fi or file-sharing software, and keep your antivirus "
            "software up to date."
        ),
        "admin_note": "\n".join(
            [
                "デモ値：予約受付の締切時刻（前日23:59）と予約可能期間（60日）は仮の値です。",
                DEMO_NO_SHOW,
            ]
        ),
        "services": [
            {
                "slug": "weekday",
                "name": "オンライン職業相談（平日昼間）",
                "name_en": "Online job counseling (weekday daytime)",
                "description": (
                    "職業相談・職業紹介、求人者のオンライン面接に対応します。1回30分。"
                    "次の予約のため30分で終了することがあります。"
                ),
                "description_en": (
                    "Job counseling, referral and online interviews with employers. "
                    "30 minutes; a session may end at 30 minutes for the next booking."
                ),
                **BY_INVITATION,
                "hours": [(d, time(8, 30), time(16, 45)) for d in WEEKDAYS],
            },
            {
                "slug": "evening-saturday",
                "name": "オンライン職業相談（平日夜間・土曜）",
                "name_en": "Online job counseling (weekday evening and Saturday)",
                # How a booking here becomes final is the office page's confirmation
                # section and each booking's next step, in the one place that words it.
                "description": "平日夜間と土曜日に行う相談です。1回45分。",
                "description_en": "Counseling on weekday evenings and Saturdays. 45 minutes.",
                # The public booking site (document 002): open online booking.
                "accepts_web": True,
                "accepts_invitations": False,
                "accepts_phone": False,
                "slot_minutes": 45,
                "confirmation_mode": "instant",
                "email_verification_minutes": 60,
                "job_seeker_number": "optional",
                # Demo: evening and Saturday times are few and fill first (docs/waitlist.md).
                "waitlist_enabled": True,
                "waitlist_offer_minutes": 30,
                "admin_note": (
                    "デモ値：資料に時間帯の記載がないため、平日17:15〜19:30と土曜9:30〜12:30は"
                    "仮の値です。取り消しの期限（前日まで）も仮の値です。"
                    "キャンセル待ち（30分の案内）はデモとして有効にしています。"
                ),
                "hours": [(d, time(17, 15), time(19, 30)) for d in WEEKDAYS]
                + [(SATURDAY, time(9, 30), time(12, 30))],
            },
        ],
    },
    {
        "slug": "toyooka",
        "phone": DEMO_PHONE,
        "name": "ハローワーク豊岡",
        "name_en": "Hello Work Toyooka",
        "kind": "hello_work",
        "platform": "zoom",
        "platform_account": "zoom:toyooka",
        "court": "神戸地方裁判所",
        "position": 30,
        "slot_minutes": 30,
        "confirmation_mode": "staff_approval",
        "lead_time_days": 1,
        "lead_time_unit": "calendar_days",
        "horizon_days": 60,
        "online_cancel_allowed": False,
        "online_cancel_days_before": 1,
        "job_seeker_number": "required",
        "no_show_bar_threshold": 3,
        "preparation_note": (
            "ミーティングIDとパスコードは、参加方法のメールと予約ページでお知らせします。"
            "接続できないときは、ハローワークからお電話します。"
        ),
        "preparation_note_en": (
            "The meeting ID and passcode are in the email on how to join and on your booking "
            "page. If you cannot connect, the office phones you."
        ),
        "admin_note": "\n".join(
            [
                DEMO_PHONE_NOTE,
                "デモ値：予約可能期間（60日）は仮の値です。",
                DEMO_NO_SHOW,
            ]
        ),
        "services": [
            {
                "slug": "counseling",
                "name": "オンライン職業相談",
                "name_en": "Online job counseling",
                "description": "職業相談・職業紹介（模擬面接も可能）をZoomで行います。1回30分。",
                "description_en": (
                    "Job counseling and referral (mock interviews too) on Zoom. 30 minutes."
                ),
                **BY_INVITATION,
                "hours": [(d, time(9, 30), time(11, 0)) for d in WEEKDAYS]
                + [(d, time(14, 0), time(16, 0)) for d in WEEKDAYS],
            },
        ],
    },
    {
        "slug": "matsudo",
        "phone": DEMO_PHONE,
        "name": "ハローワーク松戸 マザーズコーナー",
        "name_en": "Hello Work Matsudo Mothers Corner",
        "kind": "hello_work",
        "platform": "zoom",
        "platform_account": "zoom:matsudo",
        "court": "千葉地方裁判所",
        "position": 40,
        "slot_minutes": 30,
        "confirmation_mode": "staff_approval",
        "lead_time_days": 1,
        "lead_time_unit": "calendar_days",
        "horizon_days": 60,
        "online_cancel_allowed": False,
        "online_cancel_days_before": 1,
        "job_seeker_number": "required",
        "no_show_bar_threshold": 3,
        "preparation_note": (
            "公衆の無料Wi-Fiやファイル共有ソフトは使わず、ウイルス対策ソフトを最新にしてください。"
        ),
        "preparation_note_en": (
            "Do not use free public Wi-Fi or file-sharing software, and keep your antivirus "
            "software up to date."
        ),
        "admin_note": "\n".join(
            [
                DEMO_PHONE_NOTE,
                "デモ値：予約可能期間（60日）は仮の値です。",
                DEMO_NO_SHOW,
            ]
        ),
        "services": [
            {
                "slug": "counseling",
                "name": "オンライン職業相談",
                "name_en": "Online job counseling",
                "description": (
                    "子育て中の方などを対象に、職業相談・職業紹介やオンライン面接を行います。1回30分。"
                ),
                "description_en": (
                    "Job counseling, referral and online interviews for parents and others. "
                    "30 minutes."
                ),
                **BY_INVITATION,
                "hours": [(d, time(11, 0), time(15, 0)) for d in WEEKDAYS],
            },
        ],
    },
    {
        "slug": "yamaguchi",
        "phone": DEMO_PHONE,
        "name": "山口障害者職業センター",
        "name_en": "Yamaguchi Vocational Center for Persons with Disabilities",
        "kind": "vocational_center",
        "platform": "teams",
        "platform_account": "teams:yamaguchi",
        "court": "山口地方裁判所",
        "position": 50,
        "slot_minutes": 60,
        "confirmation_mode": "staff_approval",
        "lead_time_days": 2,
        "lead_time_unit": "business_days",
        "horizon_days": 60,
        "online_cancel_allowed": True,
        "online_cancel_days_before": 1,
        "job_seeker_number": "not_asked",
        "no_show_bar_threshold": 3,
        # A center for persons with disabilities: the means it can arrange, and its rules
        # summed up in plain words with readings (its document has interpreters and
        # supporters attend, declared beforehand, and caps a session at 60 minutes).
        "accommodation_means": [
            "captions",
            "sign_language",
            "written",
            "more_time",
            "supporter",
            "other",
        ],
        "accommodation_extra_minutes": 0,
        "plain_summary": True,
        "ruby": True,
        "preparation_note": (
            "ブラウザで参加する場合はMicrosoft EdgeかGoogle Chromeをお使いください。"
            "通訳者や支援者が同席する場合は、事前にその方の所属と氏名をお知らせください。"
        ),
        "preparation_note_en": (
            "To join in a browser, use Microsoft Edge or Google Chrome. If an interpreter or "
            "supporter will attend, tell the center their affiliation and name in advance."
        ),
        "admin_note": "\n".join(
            [
                DEMO_PHONE_NOTE,
                "デモ値：資料に予約の締切がないため、2営業日前までとしています。"
                "予約可能期間（60日）も仮の値です。",
                DEMO_NO_SHOW,
                "デモ値：資料では1回の相談は最大60分のため、配慮の「時間の余裕」は延長なし"
                "（相談の時間内で相談員が配慮する）としています。延長する場合は「時間の余裕："
                "追加する分数」を設定してください。",
            ]
        ),
        "services": [
            {
                "slug": "online-support",
                "name": "オンライン支援",
                "name_en": "Online support",
                "description": (
                    "センターの支援を利用している方向けのオンライン支援です。1回最大60分。"
                ),
                "description_en": (
                    "Online support for people using the center's services. Up to 60 minutes."
                ),
                **BY_INVITATION,
                "hours": [(d, time(9, 0), time(16, 30)) for d in WEEKDAYS],
            },
        ],
    },
]

DEMO_COUNSELORS_PER_OFFICE = 2
