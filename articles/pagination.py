"""Paginators whose counts (and pages of ids) are read once per content generation."""

from django.core.paginator import Paginator

from . import cache as page_cache


class GenerationCountPaginator(Paginator):
    """A paginator whose count is computed once per content generation, under `count_name`.

    The set it counts only changes with the generation or at a scheduled
    moment, both part of the memo key, so the count is never stale.
    """

    def __init__(self, *args, count_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @property
    def count(self):
        if "_count" not in self.__dict__:
            self._count = page_cache.per_generation(f"count:{self.count_name}", lambda: Paginator.count.func(self))
        return self._count


class ArticleIdPaginator(GenerationCountPaginator):
    """Pages of article ids, each read once per content generation: a deep page costs its index walk once."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = page_cache.per_generation(
            f"page:{self.count_name}:{self.per_page}:{number}", lambda: list(self.object_list[bottom:top])
        )
        return self._get_page(ids, number, self)

    def _check_object_list_is_ordered(self):
        # Article ids are always ordered (newest first, or by relevance), and
        # the check would build a queryset that a memoised page never reads.
        pass
