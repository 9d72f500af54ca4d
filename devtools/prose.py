"""Made-up but plausible local news prose for the synthetic archive: word lists, a writer and a sentence pool."""

import re

from articles import search, text

PLAIN_PROSE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.'-]*[A-Za-z0-9.]")

REGIONS = [
    "London", "Westminster", "Pimlico", "Victoria", "Belgravia", "Soho", "Mayfair", "Chelsea",
    "Lambeth", "Southwark", "Camden", "United Kingdom", "Europe", "United States", "Turkey",
    "Russia", "Ukraine", "Israel", "Syria", "China",
]  # fmt: skip
# Where the archive's regions lie (the rest are top-level).
REGION_PARENTS = {
    "Westminster": "London", "Pimlico": "Westminster", "Victoria": "Westminster", "Belgravia": "Westminster",
    "Soho": "Westminster", "Mayfair": "Westminster", "Chelsea": "London", "Lambeth": "London",
    "Southwark": "London", "Camden": "London", "London": "United Kingdom", "United Kingdom": "Europe",
    "Ukraine": "Europe", "Russia": "Europe", "Turkey": "Europe",
}  # fmt: skip
TOPICS = [
    "Politics", "City life", "Culture", "Business", "Transport", "Housing", "Education", "Health",
    "Crime", "Environment", "Technology", "Sport", "Food and drink", "Planning", "Diplomacy",
    "Defence", "Sanctions", "Elections", "Science", "Obituaries",
]  # fmt: skip

FIRST_NAMES = [
    "Amira", "Tom", "Helen", "Daniel", "Priya", "Oliver", "Grace", "Samuel", "Leila", "Marcus",
    "Hannah", "Kwame", "Sofia", "Rory", "Nadia", "Felix", "Imogen", "Tariq", "Ruth", "Jonah",
]  # fmt: skip
LAST_NAMES = [
    "Patel", "Whitaker", "Marsh", "Osei", "Kowalski", "Brennan", "Haddad", "Lindqvist", "Okafor",
    "Fairbairn", "Moreau", "Castellano", "Nakamura", "Doyle", "Achterberg",
]  # fmt: skip
AUTHOR_TITLES = ["Reporter", "Senior reporter", "Correspondent", "Editor", "Contributor", "Data reporter"]

SUBJECTS = [
    "the council", "local residents", "the planning committee", "a group of shopkeepers",
    "the transport authority", "ministers", "the head teacher", "volunteers", "a spokesperson for the trust",
    "the police", "opposition councillors", "the mayor's office", "campaigners", "the health board",
    "engineers", "the landlord", "market traders", "parents", "the charity", "the housing association",
    "diplomats", "the defence ministry", "the finance committee", "a cross-party panel", "the museum",
    "the residents' association", "the bus operator", "the theatre company", "economists", "the regulator",
]  # fmt: skip
VERBS_PAST = [
    "approved", "rejected", "delayed", "announced", "questioned", "reviewed", "funded", "opened",
    "closed", "extended", "proposed", "criticised", "welcomed", "postponed", "published", "signed",
    "suspended", "restored", "expanded", "inspected", "defended", "scrapped", "revived", "costed",
]  # fmt: skip
VERBS_PRESENT = [
    "approves", "rejects", "delays", "announces", "questions", "reviews", "funds", "opens", "closes",
    "extends", "proposes", "criticises", "welcomes", "postpones", "publishes", "signs", "suspends",
    "restores", "expands", "scraps", "revives",
]  # fmt: skip
OBJECTS = [
    "plans for new cycle lanes", "a budget for street repairs", "the redevelopment of the old depot",
    "a consultation on parking charges", "a programme of late-night openings", "funding for the community garden",
    "the bid to extend the market", "a review of bus routes", "new rules for short lets", "a scheme to plant trees",
    "the licence for the riverside venue", "a report on air quality", "talks on the trade agreement",
    "the latest sanctions package", "an order for air-defence systems", "a new library opening hours",
    "the school meals contract", "repairs to the estate lifts", "a pilot of quiet streets",
    "the rent review for council flats", "a festival on the square", "a study of flood defences",
    "the closure of the swimming pool", "new lighting along the embankment", "a fund for small businesses",
    "the restoration of the clock tower", "plans for a youth centre", "the cost of the new bridge",
    "a ban on idling engines", "the archive of local photographs",
]  # fmt: skip
HEADLINE_OBJECTS = [
    "cycle lanes", "street repairs", "depot redevelopment", "parking charges", "late-night openings",
    "community garden", "market extension", "bus routes", "short-let rules", "tree planting",
    "riverside venue licence", "air quality report", "trade talks", "sanctions package", "air-defence order",
    "library hours", "school meals deal", "estate lift repairs", "quiet streets pilot", "rent review",
    "square festival", "flood defences", "pool closure", "embankment lighting", "small business fund",
    "clock tower restoration", "youth centre", "bridge budget", "idling ban", "photo archive",
]  # fmt: skip
PLACES = [
    "near Victoria station", "on Belgrave Road", "in Pimlico", "along the Embankment", "in Westminster",
    "across the borough", "in central London", "outside Parliament", "at the town hall", "in Warwick Square",
    "by the river", "on Tachbrook Street", "in the city centre", "at the community hall", "on the high street",
    "in Ankara", "in Washington", "in Brussels", "on the estate", "beside the old gasworks",
]  # fmt: skip
TIMES = [
    "this week", "on Monday", "by the end of the year", "next spring", "after months of debate", "within weeks",
    "last night", "earlier this month", "before the summer", "on Thursday evening", "for the first time",
    "after a second vote", "ahead of the winter",
]  # fmt: skip
SAYING = ["said", "told the meeting", "confirmed", "argued", "insisted", "warned", "suggested", "noted"]
SOURCES = [
    "figures seen by this paper", "a report published on Tuesday", "people familiar with the matter",
    "council documents", "the latest official data", "minutes of the meeting", "a survey of residents",
]  # fmt: skip
REACTIONS = [
    "expressed relief", "voiced concern", "called for answers", "gathered in protest", "praised the decision",
    "asked for more time", "said little had changed", "promised to keep watching",
]  # fmt: skip
HEADLINE_SUBJECTS = [
    "Council", "Planning committee", "Transport authority", "Head teacher", "Trust", "Police", "Mayor",
    "Health board", "Landlord", "Charity", "Housing association", "Defence ministry", "Museum", "Bus operator",
    "Theatre company", "Regulator", "Market", "School", "Minister", "Embassy", "Residents' group",
]  # fmt: skip
QUANTITIES = ["homes", "jobs", "trees", "parking spaces", "school places", "seats", "stalls", "flats"]


def _capitalise(phrase):
    return phrase[:1].upper() + phrase[1:]


class Writer:
    """Made-up but plausible news prose from the word lists above."""

    def __init__(self, rng):
        self.rng = rng

    def clause(self):
        r = self.rng
        return f"{r.choice(SUBJECTS)} {r.choice(VERBS_PAST)} {r.choice(OBJECTS)} {r.choice(PLACES)}"

    def sentence(self):
        r = self.rng
        shape = r.randrange(7)
        if shape == 0:
            body = f"{_capitalise(r.choice(SUBJECTS))} {r.choice(SAYING)} that {self.clause()} {r.choice(TIMES)}"
        elif shape == 1:
            body = f"{_capitalise(self.clause())}, according to {r.choice(SOURCES)}"
        elif shape == 2:
            body = f"{_capitalise(r.choice(TIMES))}, {self.clause()}"
        elif shape == 3:
            body = f"{_capitalise(self.clause())} and {self.clause()}"
        elif shape == 4:
            body = f"Residents {r.choice(REACTIONS)} after {self.clause()}"
        elif shape == 5:
            amount = r.randrange(3, 900)
            body = (
                f"{_capitalise(r.choice(SUBJECTS))} {r.choice(SAYING)} that about {amount} "
                f"{r.choice(QUANTITIES)} would be affected {r.choice(TIMES)}"
            )
        else:
            body = f"{_capitalise(self.clause())} {r.choice(TIMES)}, while {r.choice(SUBJECTS)} {r.choice(REACTIONS)}"
        return body + "."

    def headline(self):
        r = self.rng
        place = r.choice(PLACES)
        return f"{r.choice(HEADLINE_SUBJECTS)} {r.choice(VERBS_PRESENT)} {r.choice(HEADLINE_OBJECTS)} {place}"


class Pool:
    """Pre-written sentences with their word counts and plain text, so a body costs a few choices.

    Every sentence is plain prose (letters, digits, spaces and `.,'-`): neither the
    sanitiser nor the search index's plain-text function changes it beyond case, so
    a body made of them needs no sanitising and its plain text is the join of theirs.
    """

    def __init__(self, writer, size):
        self.sentences = [writer.sentence() for _ in range(size)]
        for sentence in self.sentences:
            if not PLAIN_PROSE.fullmatch(sentence):
                raise ValueError(f"Not plain prose, so bodies would need sanitising: {sentence!r}")
        # Word counts come from the same helper Article.save() relies on.
        self.words = [text.word_count(sentence) for sentence in self.sentences]
        self.plain = [search.plain_text(sentence) for sentence in self.sentences]

    def body(self, rng, target_words):
        """An HTML body of plain paragraphs, its word count and `search.plain_text()` of it."""
        sentences, plain, counts = self.sentences, self.plain, self.words
        random, randint, size = rng.random, rng.randint, float(len(sentences))
        paragraphs, picks, words = [], [], 0
        while words < target_words:
            # The picks of rng.choices(range(size), k=...), without building a range and a list per call.
            picked = [int(random() * size) for _ in range(randint(3, 6))]
            paragraphs.append("<p>" + " ".join([sentences[i] for i in picked]) + "</p>")
            picks += picked
            words += sum([counts[i] for i in picked])
        # A newline between paragraphs keeps their words apart once tags are stripped; in the plain
        # text, tags and newlines collapse into the single spaces of this join.
        return "\n".join(paragraphs), words, " ".join([plain[i] for i in picks])
