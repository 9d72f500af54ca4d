"""A page cache for anonymous readers, and values memoised per content generation.

Reusable: it knows nothing about what the pages show. The project tells it
when content changed (`pagecache.generation.invalidate`) and which moments
change pages without a write (`pagecache.schedule.register_schedule`);
memoised reads are declared by the site that uses them.
"""
