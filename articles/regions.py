"""The stored region tree (`RegionAncestry`), derived from `RegionTag.parent`.

A new region gets its rows; a region moved to another parent gets its own and its descendants'
rows rewritten (`articles.listings` then rewrites the listing entries of every story tagged in
that subtree, in the same transaction). A move that would make a cycle is refused
(`RegionTag.clean()` tells the desk first; `check_move` guards every other save).
"""

from django.core.exceptions import ValidationError
from django.db import router

from .models import RegionAncestry, RegionTag


def ancestor_ids(region_ids, *, using=None):
    """The ids of these regions and of every region they lie in."""
    if not region_ids:
        return frozenset()
    rows = RegionAncestry.objects.using(using).filter(region_id__in=list(region_ids))
    return frozenset(rows.values_list("ancestor_id", flat=True)) | frozenset(region_ids)


def _chains(region_ids, parents):
    """(region, ancestor, depth) for each region, walking `parents` ({id: parent id}) upwards."""
    rows = []
    for region_id in region_ids:
        seen, current, depth = set(), region_id, 0
        while current is not None:
            if current in seen:
                raise ValidationError("Regions cannot contain each other: the tree would have a cycle.")
            seen.add(current)
            rows.append(RegionAncestry(region_id=region_id, ancestor_id=current, depth=depth))
            current, depth = parents.get(current), depth + 1
    return rows


def rewrite_ancestry(region_ids, *, using=None):
    """Rewrite the stored ancestry of these regions from their parents now."""
    using = using or router.db_for_write(RegionAncestry)
    parents = dict(RegionTag.objects.using(using).values_list("pk", "parent_id"))
    rows = _chains(region_ids, parents)
    RegionAncestry.objects.using(using).filter(region_id__in=list(region_ids)).delete()
    RegionAncestry.objects.using(using).bulk_create(rows, batch_size=500)


def rebuild(*, using=None):
    """Rewrite every region's stored ancestry (after a bulk load or a restore)."""
    using = using or router.db_for_write(RegionAncestry)
    parents = dict(RegionTag.objects.using(using).values_list("pk", "parent_id"))
    RegionAncestry.objects.using(using).all().delete()
    RegionAncestry.objects.using(using).bulk_create(_chains(parents, parents), batch_size=500)


def subtree_ids(region_id, *, using=None):
    """This region's id and its descendants', from the stored tree."""
    return frozenset(
        RegionAncestry.objects.using(using).filter(ancestor_id=region_id).values_list("region_id", flat=True)
    ) | {region_id}


def check_move(region, *, using=None):
    """Whether saving `region` creates or moves it (its parent differs from the stored one); refuses a cycle."""
    stored = list(RegionTag.objects.using(using).filter(pk=region.pk).values_list("parent_id", flat=True)[:1])
    if not stored:
        return True
    if stored[0] == region.parent_id:
        return False
    problem = region.parent_problem()
    if problem:
        raise ValidationError({"parent": problem})
    return True
