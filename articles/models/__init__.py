"""The newsroom's models, split by concern; import them from here."""

import reversion

from .article import (
    CARD_FIELDS,
    DESK_LIST_FIELDS,
    SLUG_MAX_LENGTH,
    Article,
    ArticleQuerySet,
    Byline,
    SanitizedHTMLField,
)
from .drafts import EDIT_LEASE_SECONDS, Autosave, EditLease
from .editorial import (
    PREVIEW_LINK_HOURS,
    PREVIEW_LINK_SALT,
    PREVIEWABLE_STATUSES,
    ArticleTransition,
    Correction,
    PreviewLink,
    new_preview_key,
)
from .footers import HEADLINE_MAX_LENGTH, PromoFooter, PromoFooterQuerySet
from .imports import OLD_PATH_MAX_LENGTH, ImportedPost, OldAddress
from .library import LibraryImage, LibraryImageQuerySet
from .listings import ListingCount, ListingEntry
from .live import LIVE, LiveRule
from .notifications import Notification, NotificationQuerySet
from .paper import ArticleReads, BreakingNews, StaticPage
from .people import Author
from .tags import (
    NormalizingTagManager,
    RegionAncestry,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
    VocabularyManager,
    VocabularyTag,
)
from .wire import WireItem

__all__ = [
    "ARTICLE_VERSION_FOLLOWS",
    "CARD_FIELDS",
    "DESK_LIST_FIELDS",
    "EDIT_LEASE_SECONDS",
    "HEADLINE_MAX_LENGTH",
    "LIVE",
    "OLD_PATH_MAX_LENGTH",
    "PREVIEWABLE_STATUSES",
    "PREVIEW_LINK_HOURS",
    "PREVIEW_LINK_SALT",
    "SLUG_MAX_LENGTH",
    "Article",
    "ArticleQuerySet",
    "ArticleReads",
    "ArticleTransition",
    "Author",
    "Autosave",
    "BreakingNews",
    "Byline",
    "Correction",
    "EditLease",
    "ImportedPost",
    "LibraryImage",
    "LibraryImageQuerySet",
    "ListingCount",
    "ListingEntry",
    "LiveRule",
    "NormalizingTagManager",
    "Notification",
    "NotificationQuerySet",
    "OldAddress",
    "PreviewLink",
    "PromoFooter",
    "PromoFooterQuerySet",
    "RegionAncestry",
    "RegionTag",
    "SanitizedHTMLField",
    "StaticPage",
    "TaggedRegion",
    "TaggedTopic",
    "TopicTag",
    "VocabularyManager",
    "VocabularyTag",
    "WireItem",
    "new_preview_key",
]

# Every saved version keeps the article with its bylines and tags; the promo
# footer and hero image are fields of the article row itself. Corrections and
# transitions are a log, not content, so restoring a version never touches them.
ARTICLE_VERSION_FOLLOWS = ["byline_items", "region_items", "topic_items"]
reversion.register(Article, follow=ARTICLE_VERSION_FOLLOWS)
reversion.register(Byline)
reversion.register(TaggedRegion)
reversion.register(TaggedTopic)
# Not followed by the article's versions, but registered so that a story recovered from the trash
# (`services._keep_in_trash`) gets its public notes and its workflow log back.
reversion.register(Correction)
reversion.register(ArticleTransition)
