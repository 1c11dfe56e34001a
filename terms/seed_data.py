"""
Sample terms of use for the five first offices, written for this project from each
office's facts (never copied from the offices' documents). Each text says it is sample
text that the office replaces in the admin. Dates follow the offices' documents; the
Yamaguchi document has none, so its date is a demo value.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import translation

from offices.display import cancellation_text, lead_time_text
from offices.models import Office, OfficeKind, Platform
from offices.rules import rules_for_service


@dataclass(frozen=True)
class SeedVersion:
    version: str
    effective: date
    with_extension_and_records: bool = True
    change_summary: str = ""
    change_summary_en: str = ""


VERSIONS: dict[str, list[SeedVersion]] = {
    "kawagoe": [
        SeedVersion("2021-03-25", date(2021, 3, 25), with_extension_and_records=False),
        SeedVersion(
            "2023-07-14",
            date(2023, 7, 14),
            change_summary="相談時間の延長（最大45分）と、利用の記録の取り扱いについての条文を加えました。",
            change_summary_en=(
                "Added articles on extending a session (up to 45 minutes) and on the usage "
                "records the office keeps."
            ),
        ),
    ],
    "sasebo": [SeedVersion("2023-09-19", date(2023, 9, 19))],
    "toyooka": [SeedVersion("2020-11-20", date(2020, 11, 20))],
    "matsudo": [SeedVersion("2025-06-16", date(2025, 6, 16))],
    "yamaguchi": [SeedVersion("2024-04-01", date(2024, 4, 1))],
}

# What a revised sample says changed, when `terms_seed` publishes it over an earlier
# sample (a changed seed reaches an existing database as a new version).
REVISION_SUMMARY = (
    "サンプルの文言を改めました。連絡のないまま参加しなかった場合の扱い（無断欠席）、"
    "サービスごとの相談の時間、用語を見直しています。"
)
REVISION_SUMMARY_EN = (
    "The sample wording was revised: a session missed without contact counts as a no-show, "
    "each service's session length is given, and the words are made consistent."
)

SAMPLE_NOTE_JA = (
    "> この文章は、システムに同梱したサンプルです。事業所の管理者が管理画面で"
    "実際の利用規約に置き換えてください。"
)
SAMPLE_NOTE_EN = (
    "> This is sample text shipped with the system. The office's managers replace it with "
    "the office's actual terms of use in the admin."
)

PLATFORM_JA = {
    Platform.ZOOM: "Zoom（ミーティングIDとパスコードで参加します）",
    Platform.TEAMS: "Microsoft Teams（相談ごとに異なるURLから参加します）",
    Platform.TELEOFFICE: "TeleOffice（メールで届くURLからブラウザで参加できます）",
}
PLATFORM_EN = {
    Platform.ZOOM: "Zoom (you join with a meeting ID and passcode)",
    Platform.TEAMS: "Microsoft Teams (each session has its own link)",
    Platform.TELEOFFICE: "TeleOffice (you join in a browser from the link sent by email)",
}


def _rules(office: Office):
    service = office.services.order_by("position", "slug").first()
    return rules_for_service(service, office)


def _audience_ja(office: Office) -> str:
    if office.kind == OfficeKind.VOCATIONAL_CENTER:
        text = "センターの支援を利用している方で、オンラインでの支援を希望する方が利用できます。"
    else:
        text = "ハローワークに求職の申込みをしている方で、オンラインでの相談を希望する方が利用できます。"
    if office.employers_may_book:
        text += (
            "\n\n求人を申し込んでいる会社の採用担当者も、この規約に同意したうえで利用できます。"
            "同意の後に規約が変わった場合は、次に利用する前に最新の規約に同意してください。"
        )
    return text


def _audience_en(office: Office) -> str:
    if office.kind == OfficeKind.VOCATIONAL_CENTER:
        text = "People using the center's support who want to receive it online."
    else:
        text = "People registered as job seekers at Hello Work who want to consult online."
    if office.employers_may_book:
        text += (
            "\n\nThe HR staff of employers with job openings registered at Hello Work may also "
            "use it after agreeing to these terms. If the terms change after they agreed, they "
            "agree to the latest terms before their next use."
        )
    return text


def _lengths(office: Office, seed: SeedVersion, rules) -> tuple[str, str]:
    """The session length of each service the office offers (Sasebo's evening one is
    longer than its weekday one), in Japanese and English."""
    services = list(office.services.filter(is_active=True).order_by("position", "slug"))
    minutes = [(service, rules_for_service(service, office).slot_minutes) for service in services]
    if len({length for _service, length in minutes}) > 1:
        each_ja = "、".join(f"{service.name}は{length}分" for service, length in minutes)
        each_en = " and ".join(
            f"{length} minutes for {service.name_en or service.name}" for service, length in minutes
        )
        return f"相談の時間は1回、{each_ja}です。", f"A session lasts {each_en}."
    length_ja = f"相談は1回{rules.slot_minutes}分です。"
    length_en = f"A session lasts {rules.slot_minutes} minutes."
    if seed.with_extension_and_records and rules.max_extension_minutes:
        total = rules.slot_minutes + rules.max_extension_minutes
        length_ja += f"必要なときは{total}分まで延長することがあります。"
        length_en += f" It may be extended to {total} minutes when needed."
    return length_ja, length_en


def terms_text(office: Office, seed: SeedVersion) -> dict[str, str]:
    """Title and body, in Japanese and English, for one seed version of an office."""
    rules = _rules(office)
    with translation.override("ja"):
        lead_ja, cancel_ja = lead_time_text(rules), cancellation_text(rules)
    with translation.override("en"):
        lead_en, cancel_en = lead_time_text(rules), cancellation_text(rules)
    grace = office.no_show_grace_minutes
    length_ja, length_en = _lengths(office, seed, rules)

    records_ja = records_en = ""
    if seed.with_extension_and_records:
        records_ja = (
            "\n\n## 利用の記録\n\n"
            "事業所は、運用と利便性の向上のため、利用した時間帯、アクセスの履歴、"
            "利用した端末の識別情報を記録することがあります。"
            "法令に基づく求めがある場合を除き、端末が特定できる形で公表することはありません。"
        )
        records_en = (
            "\n\n## Usage records\n\n"
            "To run and improve the service, the office may record when you used it, access "
            "history and identifiers of your device. It never publishes them in a form that "
            "identifies a device, except when the law requires it."
        )

    body_ja = f"""{SAMPLE_NOTE_JA}

## 目的

この規約は、{office.name}（以下「事業所」）がビデオ通話で行うオンライン相談を利用するときの約束ごとを定めます。予約の申込みをもって、その時点の規約に同意したものとします。

## 利用できる方

{_audience_ja(office)}

## 使用するサービスと環境

オンライン相談には{PLATFORM_JA[office.platform]}を使います。OSとブラウザを最新の状態にし、安全な通信環境から参加してください。

## 予約と相談時間

相談は予約制です。{lead_ja}{length_ja}

## 取り消しと無断欠席

{cancel_ja}連絡がないまま開始時刻から{grace}分を過ぎても参加がない場合は、無断欠席として扱います。無断欠席が続く場合は、今後のオンライン相談の利用をお断りすることがあります。

## 接続できないとき

接続がうまくいかないときは、事業所からお電話し、電話での相談に切り替えるか、日時を改めて予約します。{records_ja}

## 個人情報

オンライン相談で知り得た個人情報は、事業所に来所しての相談と同じく、職業安定法に基づいて適切に取り扱います。

## 禁止事項

- 相談の録音、録画、撮影、スクリーンショット、配信
- 参加用のリンクや相談の内容を他の人に伝えたり、SNSなどに載せたりすること
- 事前に知らせていない人（通訳者や支援者を含みます）を同席させること
- 脅迫や暴言など、相談の妨げになる行為（相談を中止することがあります）

## 責任の範囲

通信環境や機器の不具合により相談ができなかった場合でも、事業所は責任を負いません。通信料は利用者の負担です。

## 規約の変更

事業所はこの規約を変更することがあります。変更するときは、変更後の内容と効力が生じる日をこのサイトでお知らせします。

## 準拠法と管轄裁判所

この規約は日本の法律に従って解釈します。紛争が生じたときは、{office.court}を第一審の専属的合意管轄裁判所とします。
"""

    body_en = f"""{SAMPLE_NOTE_EN}

## Purpose

These terms set out how you use the online consultations by video call of {office.name_en} ("the office"). By applying for a booking you agree to the terms in force at that time. The Japanese text prevails.

## Who may use it

{_audience_en(office)}

## Platform and equipment

Sessions take place on {PLATFORM_EN[office.platform]}. Keep your operating system and browser up to date and join from a secure connection.

## Booking and session length

Every session is booked in advance. {lead_en} {length_en}

## Cancellation and no-shows

{cancel_en} If you have not joined {grace} minutes after the start and have not contacted the office, the booking counts as a no-show. If no-shows happen repeatedly, the office may refuse further online sessions.

## If the connection fails

The office will phone you and continue by phone or book another time.{records_en}

## Personal data

Personal data learned during a session is handled as carefully as at the counter, under the Employment Security Act.

## Prohibited

- Recording, filming, screenshots or streaming of the session
- Sharing the link or the content of the session with others or on social media
- Having anyone attend (interpreters and helpers included) without telling the office in advance
- Threats, abuse or anything else that disrupts the session (the session may be stopped)

## Liability

The office is not liable when a session cannot take place because of your connection or device. Connection costs are yours.

## Changes

The office may change these terms. It announces the new text and the date it takes effect on this site.

## Governing law and court

These terms are governed by Japanese law. Disputes go to this district court, which has exclusive jurisdiction in the first instance: {office.court}.
"""
    return {
        "version": seed.version,
        "title": f"{office.name} オンライン相談利用規約",
        "title_en": f"Terms of use of {office.name_en} online consultations",
        "body": body_ja,
        "body_en": body_en,
        "change_summary": seed.change_summary,
        "change_summary_en": seed.change_summary_en,
    }
