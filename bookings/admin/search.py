"""The admin's searches of people: a kana name typed in hiragana, katakana or half-width
katakana finds it however it was stored (フリガナ are typed both ways)."""

from common.text import kana_variants


class KanaSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        for variant in kana_variants(search_term.strip())[1:]:
            more, duplicates = super().get_search_results(request, queryset, variant)
            results = results | more
            may_have_duplicates = may_have_duplicates or duplicates
        return results, may_have_duplicates
