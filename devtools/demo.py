"""Original demo content for a fresh installation of The WP Times.

Everything here was written for this project; `load_demo` turns it into rows.
"""

OUTLET_TAGLINE = (
    "Read about the life of Westminster and Pimlico district, London and the world. "
    "24/7 news with fresh and useful updates on culture, business, technology and city life:"
)

ACCOUNTS = [
    # username, password, group, author name, author title
    ("reporter", "demo-reporter-pass", "Reporter", "Amira Patel", "Westminster reporter"),
    ("reporter2", "demo-reporter2-pass", "Reporter", "Tom Whitaker", "City life reporter"),
    ("editor", "demo-editor-pass", "Editor", "Helen Marsh", "News editor"),
    ("admin", "demo-admin-pass", "Admin", None, None),
]

# The demo account that publishes the demo stories through the workflow.
DEMO_PUBLISHER = "editor"

AUTHORS = [
    ("Amira Patel", "Westminster reporter", "Amira covers the council, Parliament Square and everything in between."),
    (
        "Tom Whitaker",
        "City life reporter",
        "Tom writes about markets, streets and the people who keep Pimlico running.",
    ),
    ("Helen Marsh", "News editor", "Helen runs the news desk and writes on diplomacy and defence."),
    ("Daniel Osei", "Culture writer", "Daniel reviews theatre, galleries and the odd brass band."),
    ("Wire desk", "Agency copy", "Stories from news agencies, checked and edited by our desk."),
]

REGIONS = {
    "World": "News from around the world.",
    "Europe": "Europe, from Westminster's point of view.",
    "Middle East": "The Middle East and its neighbours.",
    "North America": "The United States and Canada.",
    "London": "News from across the capital.",
    "Westminster": "Parliament, the council and the streets around them.",
    "Pimlico": "Our home patch between Victoria and the river.",
    "United Kingdom": "Stories from across the country that matter in London.",
    "Turkey": "Politics, defence and diplomacy in Turkey.",
    "United States": "Washington and the wider United States.",
    "Russia": "Russia and its neighbours.",
    "Israel": "Israel and the region.",
    "Syria": "Syria and its neighbours.",
}
# Where each region lies: World › Europe › United Kingdom › London › Westminster › Pimlico.
REGION_PARENTS = {
    "Europe": "World",
    "Middle East": "World",
    "North America": "World",
    "United Kingdom": "Europe",
    "London": "United Kingdom",
    "Westminster": "London",
    "Pimlico": "Westminster",
    "Turkey": "Europe",
    "Russia": "Europe",
    "United States": "North America",
    "Israel": "Middle East",
    "Syria": "Middle East",
}

TOPICS = {
    "Defence": "Armed forces, procurement and security.",
    "Diplomacy": "Talks, treaties and the people who make them.",
    "Sanctions": "Who is sanctioned, why, and what it changes.",
    "Politics": "Parties, policies and votes.",
    "Culture": "Theatre, galleries, music and traditions.",
    "Business": "Shops, markets and the local economy.",
    "Technology": "Tech at work and at home.",
    "City life": "Streets, transport and neighbours.",
}

# headline, standfirst, paragraphs, authors, regions, topics, hours ago
ARTICLES = [
    (
        "Pimlico's winter lantern walk returns for its thirtieth year",
        "Hundreds of neighbours are expected to carry paper lanterns from Warwick Square to the river on Saturday.",
        [
            "The walk began in 1996 with a dozen families and a borrowed accordion. This year the organisers have printed a thousand route maps.",
            "Children from three local primary schools have spent a month folding lanterns, and the Churchill Gardens tenants' hall will serve cocoa at the finish.",
            "Organisers ask walkers to bring battery lights rather than candles after last year's gusty evening.",
        ],
        ["Daniel Osei"],
        ["London", "Pimlico"],
        ["Culture", "City life"],
        3,
    ),
    (
        "Westminster council approves late-night licence review",
        "Venues around Victoria will have to show a noise plan before their licences are renewed.",
        [
            "Councillors voted on Tuesday to review every licence that allows trading after midnight in the Victoria and Pimlico wards.",
            "Residents' groups welcomed the decision; the local business association said it would work with the council on a fair timetable.",
            "The review begins in the spring and is expected to take a year.",
        ],
        ["Amira Patel"],
        ["Westminster", "London"],
        ["Politics", "City life"],
        5,
    ),
    (
        "Tachbrook Street market traders back Sunday trading trial",
        "A six-month trial would open the market on Sundays from March.",
        [
            "Stallholders voted by a clear majority to support the trial at a meeting in the church hall on Monday evening.",
            "Traders say weekday footfall has recovered since the roadworks ended, and Sunday shoppers would help newer stalls.",
            "The council will consult nearby residents before a final decision in January.",
        ],
        ["Tom Whitaker"],
        ["Pimlico", "Westminster"],
        ["Business", "City life"],
        8,
    ),
    (
        "Ankara weighs its options on air defence as Washington presses",
        "Turkish officials are studying proposals that could reopen the door to Western fighter jets.",
        [
            "Diplomats in Ankara and Washington describe the talks as serious but slow, with no agreement expected before the new year.",
            "At issue is how Turkey could satisfy American law without appearing to bow to outside pressure.",
            "Analysts in London say any deal would be watched closely by other NATO members.",
        ],
        ["Helen Marsh", "Wire desk"],
        ["Turkey", "United States"],
        ["Defence", "Diplomacy"],
        12,
    ),
    (
        "Victoria station upgrade adds step-free route to the District line",
        "New lifts open this week after two years of works.",
        [
            "Passengers can now reach the District and Circle line platforms from the street without using stairs.",
            "Disability campaigners praised the change but said the Victoria line interchange still needs work.",
            "Transport for London says the remaining works will finish next summer.",
        ],
        ["Tom Whitaker"],
        ["Westminster", "London"],
        ["City life", "Technology"],
        20,
    ),
    (
        "Parliament Square to host pop-up science fair for schools",
        "Forty stands will show pupils robots, rockets and rainwater.",
        [
            "The fair runs for two days next month and is free for school groups who book a slot.",
            "Local engineering firms and two universities will bring working models for pupils to try.",
            "Organisers hope to make it an annual event.",
        ],
        ["Amira Patel"],
        ["Westminster"],
        ["Technology", "Culture"],
        30,
    ),
    (
        "New sanctions list names shipping firms linked to oil trade",
        "The Treasury says the firms helped move cargo in breach of existing measures.",
        [
            "The list adds eleven companies and four vessels, according to a statement published on Thursday.",
            "Lawyers in the City say the move will make insurers more cautious about similar cargoes.",
            "The government said further designations were possible.",
        ],
        ["Wire desk"],
        ["United Kingdom", "Russia"],
        ["Sanctions", "Business"],
        40,
    ),
    (
        "Tate Britain extends late openings through the winter",
        "The gallery on Millbank will stay open until ten on Fridays until February.",
        [
            "Friday lates will include short talks, live music and a pop-up café in the main hall.",
            "Staff say the evenings have brought in many visitors who work nearby and cannot visit in the day.",
            "Tickets for the talks are free but must be booked.",
        ],
        ["Daniel Osei"],
        ["Pimlico", "London"],
        ["Culture"],
        52,
    ),
    (
        "Ceasefire talks resume with mediators shuttling between capitals",
        "Envoys say both sides have agreed to discuss humanitarian access first.",
        [
            "Mediators met delegations separately on Wednesday and plan a joint session later in the week.",
            "Aid agencies say access for food convoys is their first priority.",
            "Diplomats cautioned that earlier rounds collapsed over the sequencing of steps.",
        ],
        ["Helen Marsh"],
        ["Israel", "Syria"],
        ["Diplomacy"],
        64,
    ),
    (
        "Pimlico library wins funding for digital skills classes",
        "Weekly sessions will help older residents with online banking and video calls.",
        [
            "The library will use the grant to buy twenty tablets and train volunteers.",
            "Classes start in January and are open to anyone living in the borough.",
            "Librarians say demand has grown since several bank branches closed nearby.",
        ],
        ["Tom Whitaker"],
        ["Pimlico"],
        ["Technology", "City life"],
        80,
    ),
    (
        "Defence committee questions minister on procurement delays",
        "MPs asked why two major programmes are running years late.",
        [
            "The minister told the committee that supply-chain problems had been solved and schedules reset.",
            "Committee members said they would publish a report on the programmes before Easter.",
            "Industry representatives are due to give evidence next month.",
        ],
        ["Amira Patel"],
        ["Westminster", "United Kingdom"],
        ["Defence", "Politics"],
        96,
    ),
    (
        "Small businesses in Victoria report a busier autumn",
        "A survey of a hundred shops finds most sold more than last year.",
        [
            "The survey, run by the local business association, found that cafés and repair shops did best.",
            "Several owners credited the new cycle lanes and the return of office workers.",
            "Rents remain the biggest worry for most respondents.",
        ],
        ["Tom Whitaker"],
        ["Westminster", "London"],
        ["Business"],
        120,
    ),
]

# The default footer teases this story (a London culture piece).
DEFAULT_FOOTER_TEASER = ARTICLES[0][0]

# A scheduled story and a draft, so editors see every state in the admin.
SCHEDULED = (
    "Christmas lights switch-on moves to Warwick Square",
    "The ceremony will be held in the square for the first time.",
    ["The switch-on will start at six with carols from a local choir."],
    ["Daniel Osei"],
    ["Pimlico"],
    ["Culture"],
)
DRAFT = (
    "Council budget consultation opens",
    "Residents are asked where savings should fall.",
    ["The consultation runs for six weeks."],
    ["Amira Patel"],
    ["Westminster"],
    ["Politics"],
)

# The outlet's own pages (kind, title, summary, body), shown to readers and linked from the footer.
SITE_PAGES = [
    (
        "about",
        "About us",
        "A local newsroom for Westminster and Pimlico.",
        "<p>We report on the streets, schools, councils and courts of Westminster and Pimlico, and on the "
        "wider world where it touches them.</p><h2>Our standards</h2><p>We check what we publish, name our "
        "sources where we can, and correct our mistakes in the open.</p>",
    ),
    (
        "contact",
        "Contact",
        "How to reach the newsroom.",
        "<p>Send tips, letters and complaints to the news desk: "
        '<a href="mailto:desk@example.org">desk@example.org</a>.</p>'
        "<p>We read everything; we cannot answer every message.</p>",
    ),
    (
        "privacy",
        "Privacy notice",
        "What we keep about readers, and for how long.",
        "<p>We set no advertising or tracking cookies. We count how often each story is read, per hour, "
        "without recording who read it.</p><h2>The daily newsletter</h2><p>If you sign up, we keep your "
        "address and the sections you chose until you unsubscribe, which deletes them. Unconfirmed sign-ups "
        "are deleted after three days. Ask the desk for a copy of what we keep, or for its deletion.</p>",
    ),
    (
        "corrections-policy",
        "Corrections policy",
        "How we put mistakes right.",
        "<p>When we get something wrong we correct the story and say so at its foot, with the date. "
        "Clarifications and updates are marked the same way.</p><p>To report an error, write to the desk.</p>",
    ),
    (
        "advertise",
        "Advertise",
        "Reach readers in Westminster and Pimlico.",
        "<p>We offer sponsorship of the daily newsletter and of local sections. Advertising is always marked "
        "and never shapes our reporting.</p>",
    ),
]
