import tracemalloc
import pytest
from articles import backup
from articles.models import Article
from devtools.archive import generate_archive

pytestmark = pytest.mark.django_db(transaction=True)

@pytest.mark.parametrize("n", [1200])
def test_prof(n):
    generate_archive(articles=n, seed=n)
    tracemalloc.start(10)
    s1 = tracemalloc.take_snapshot()
    for b in backup._batches(Article, 100):
        backup._serialise(b, natural_primary=False)
    s2 = tracemalloc.take_snapshot()
    print("\npeak", tracemalloc.get_traced_memory())
    for stat in s2.compare_to(s1, "traceback")[:3]:
        print(stat)
        for line in stat.traceback.format()[-12:]:
            print(line)
