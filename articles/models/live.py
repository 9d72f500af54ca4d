"""The one rule for what readers may see."""

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest


class LiveRule:
    """The one definition of what readers may see, read by the queryset, the instance and the schedule.

    An article is live when its status is published, every required moment
    has come and every optional moment has come or is unset. Scheduling needs
    no worker: a scheduled article simply starts matching.
    """

    status = "published"
    required_moments = ("publish_at",)
    optional_moments = ("embargo_ends_at",)

    @property
    def fields(self):
        """The columns the rule reads: load these to call `holds()` on a partly loaded article."""
        return ("status", *self.required_moments, *self.optional_moments)

    def q(self, at):
        condition = Q(status=self.status)
        for name in self.required_moments:
            condition &= Q(**{f"{name}__lte": at})
        for name in self.optional_moments:
            condition &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": at})
        return condition

    def holds(self, article, at):
        moment = self.moment(article)
        return moment is not None and moment <= at

    def moment(self, article):
        """When the rule starts holding for article (an article or an `ArticleState`), or None if time alone
        never makes it: the latest of its moments, once its status is right and its required moments are set."""
        if article.status != self.status or any(getattr(article, name) is None for name in self.required_moments):
            return None
        return max(moment for name in self.fields[1:] if (moment := getattr(article, name)) is not None)

    def bound_q(self, prefix=""):
        """The articles `moment()` gives a moment for, as a filter (prefix: the path from a related model)."""
        condition = Q(**{f"{prefix}status": self.status})
        for name in self.required_moments:
            condition &= Q(**{f"{prefix}{name}__isnull": False})
        return condition

    def moment_expression(self, prefix=""):
        """`moment()` in SQL, for the articles `bound_q()` matches."""
        required = [F(f"{prefix}{name}") for name in self.required_moments]
        optional = [Coalesce(F(f"{prefix}{name}"), required[0]) for name in self.optional_moments]
        parts = [*required, *optional]
        return Greatest(*parts) if len(parts) > 1 else parts[0]


LIVE = LiveRule()
