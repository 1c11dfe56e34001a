from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from common import languages
from offices.models import Office
from terms.models import TermsVersion
from terms.selectors import terms_history, terms_public_get


def _office(slug: str) -> Office:
    try:
        return Office.objects.get(slug=slug, is_published=True)
    except Office.DoesNotExist:
        raise Http404 from None


def _body_html(version: TermsVersion) -> str:
    if get_language() == "en" and version.body_en_html:
        return version.body_en_html
    return version.body_html


def _japanese_only(version: TermsVersion | None) -> bool:
    """The Japanese body shown to a person reading another language (it says so)."""
    if version is None or languages.is_japanese(get_language()):
        return False
    return not (get_language() == "en" and version.body_en_html)


def terms_current(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    history = terms_history(office=office, at=request.now)
    version = history.current
    context = {
        "office": office,
        "version": version,
        "body_html": _body_html(version) if version else "",
        "japanese_only": _japanese_only(version),
        "history": history,
        "is_current": True,
    }
    return render(request, "terms/terms_detail.html", context)


def terms_version(request: HttpRequest, slug: str, version_id: int) -> HttpResponse:
    office = _office(slug)
    try:
        version = terms_public_get(office=office, version_id=version_id)
    except TermsVersion.DoesNotExist:
        raise Http404 from None
    now = request.now
    history = terms_history(office=office, at=now)
    context = {
        "office": office,
        "version": version,
        "body_html": _body_html(version),
        "japanese_only": _japanese_only(version),
        "history": history,
        "is_current": history.current is not None and history.current.pk == version.pk,
        "is_upcoming": version.effective_from > now,
    }
    return render(request, "terms/terms_detail.html", context)
