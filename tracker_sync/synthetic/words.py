"""The words of the synthetic school: school, first and last names, teams, and the texts coaches type
(visit notes, action steps, goals, success indicators, reflections), picked by the indicator's theme.

Data for tracker_sync.synthetic.school; nothing here draws a random number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: The synthetic schools' names: seed N is named SCHOOL_NAMES[N % 12], so seeds 1-10 (a demo district)
#: are ten different schools, and the README's seed 7 is Cottonwood.
SCHOOL_NAMES = (
    "Cedar Ridge K-8", "Sable Creek K-8", "Bluestem Academy K-8", "Aspen Grove K-8", "Highline Park K-8",
    "Juniper Hills School", "Prairie Wind K-8", "Cottonwood Community School", "Willow Bend Elementary",
    "Mesa Verde Middle School", "Silver Plume Academy", "Red Rocks K-8",
)

FIRST_NAMES = (
    "Gabriela", "Aisha", "Wei", "Priya", "DeShawn", "Emily", "Lucía", "Tomás", "Fatima", "Keisha",
    "Andrés", "Hannah", "Omar", "Mei", "Sofia", "Jamal", "Rachel", "Diego", "Chloé", "Kwame",
    "Ingrid", "Raúl", "Yuki", "Amara", "Daniel", "Grace", "Luis", "Beatriz", "Michael", "Zoë",
    "Ahmed", "Renée", "Carlos", "Lauren", "Samuel", "Nadia", "Marcus", "Ana", "Tyler", "Jasmine",
    "Kevin", "Elena", "Brian", "Ximena", "Malik", "Olivia", "Ethan", "Hyun-woo", "Leilani", "Mateo",
    "Sarah", "Dmitri", "Esperanza", "Tanya", "Jorge", "Noor", "Benjamin", "Carmen", "Thu", "Rosa",
)
# No Maria, José, Garcia or Hernández (the named teachers are placed on purpose), nothing close to "Jon Smth".
LAST_NAMES = (
    "Nguyen", "Okafor", "Patel", "Johnson", "Kim", "Martínez", "Williams", "Chen", "Rodríguez", "Begay",
    "Thompson", "Romero", "Abdi", "Jackson", "Núñez", "Brown", "López", "Yazzie", "Tran", "Washington",
    "Ramírez", "Sandoval", "O'Brien", "Le", "Haddad", "Ortiz", "Mendoza", "Cohen", "Baker", "Vásquez",
    "Dubois", "Singh", "Mwangi", "Peña", "Castillo", "Friedman", "Gómez", "Reyes", "Walker", "Ibarra",
    "Lee", "Anderson", "Archuleta", "Montoya", "Medina", "Trujillo", "Vigil", "Park", "Ali", "Rivera",
    "Shapiro", "Coleman", "Herrera", "Ruiz", "Delgado", "Ellis", "Morales", "Tafoya", "Yamamoto", "Osei",
)
NEAR_MISS_TEACHER = "Maria Garcia"  # coaches type "Ms. Garcia"
ACCENTED_TEACHER = "José Hernández"


@dataclass(frozen=True)
class TeamKind:
    name: str
    grade_bands: tuple[str, ...]
    subjects: tuple[str, ...]


# The first five are the usual K-8 teams; the rest only appear in schools scaled past 50 teachers.
TEAM_KINDS = (
    TeamKind("K-2", ("K-2",), ("All Subjects", "All Subjects", "Literacy", "ELD")),
    TeamKind("3-5", ("3-5",), ("All Subjects", "Math", "Literacy", "ELD")),
    TeamKind("Math 6-8", ("6-8",), ("Math", "Math", "Math Intervention")),
    TeamKind("ELA 6-8", ("6-8",), ("ELA", "ELA", "Reading Intervention", "ELD")),
    TeamKind("Specials", ("K-2", "3-5", "6-8"), ("Art", "Music", "PE", "Spanish", "STEM", "Library")),
    TeamKind("Science 6-8", ("6-8",), ("Science",)),
    TeamKind("Social Studies 6-8", ("6-8",), ("Social Studies",)),
    TeamKind("ECE", ("ECE",), ("ECE",)),
    TeamKind("Student Services", ("K-2", "3-5", "6-8"), ("Special Education", "Intervention")),
)


@dataclass(frozen=True)
class Theme:
    """What coaches write about one kind of indicator, picked by words in the indicator's name."""

    words: tuple[str, ...]
    notes: tuple[str, ...]
    steps: tuple[str, ...]
    goals: tuple[str, ...]


# Notes may use {n} (students), {k} (a count), {m} (minutes). First theme whose word matches wins.
THEMES = (
    Theme(("check", "assessment", "understanding"), (
        "Exit ticket: {k}/{n} correct. T did not use the data before moving on.",
        "Cold-called 4 students, all volunteers. No whole-class check before independent practice.",
        "Whiteboards up at minute {m}; T scanned and re-taught step 2 to a table of {k}.",
        "Thumbs check only ('Everyone got it?'). {k} students stuck during practice.",
    ), (
        "Plan 2 hinge questions per lesson and check with whiteboards before independent practice.",
        "Use a 3-question exit ticket daily and sort it into 3 piles before planning tomorrow.",
        "Replace 'Any questions?' with a cold call to 3 students at every transition.",
    ), (
        "Check all students' understanding at least twice per lesson and adjust on the spot.",
        "Use exit-ticket data to form tomorrow's small group.",
    )),
    Theme(("differentiation", "needs", "flexib", "knowledge of students"), (
        "Same task for all {n}; {k} students finished in {m} min and waited.",
        "Scaffolded graphic organizer for ELD students; no extension for early finishers.",
        "Small group of {k} at the back table with T; rest worked independently.",
        "Sentence frames posted; newcomers used them with a partner.",
    ), (
        "Prepare one extension task and one scaffold for every independent practice.",
        "Pull a small group of 4-5 students for the first {m} minutes of practice using exit-ticket data.",
        "Pre-teach key vocabulary to the ELD group before the lesson.",
    ), (
        "Every student works at the right level of challenge during practice.",
        "Plan scaffolds and extensions for every lesson this cycle.",
    )),
    Theme(("famil", "record", "reflect", "professional", "growing"), (
        "Debrief: T reflected accurately on pacing; grade book current.",
        "Family call log up to date; 2 positive calls this week.",
        "T shared a student work protocol at the team meeting.",
    ), (
        "Make two positive family contacts per week and log them.",
        "Bring one set of student work to each team meeting.",
    ), (
        "Keep records and family contacts current every week.",
    )),
    Theme(("behavior", "routines", "procedures", "expectations"), (
        "Do Now routine: {k}/{n} started within 1 min. Transitions took ~{m} min.",
        "Clear hands-down signal; 3 redirections, all calm and private.",
        "Materials pass-out unclear; lost about {m} minutes.",
        "Expectations posted and narrated; students on task throughout.",
    ), (
        "Narrate the positive for the first 30 seconds after each direction.",
        "Rehearse the materials routine with a timer and practise it until it takes under 1 minute.",
        "Use a 3-part direction (what, how long, what it looks like) before every transition.",
    ), (
        "Transitions take under 1 minute and Do Now starts on time.",
        "Students follow the routine with one direction.",
    )),
    Theme(("environment", "respect", "culture", "rapport", "physical", "space"), (
        "Warm greetings at the door; T used students' names throughout.",
        "Student work and anchor charts current; room easy to move in.",
        "Two students put heads down; T checked in privately.",
        "Shared a student's family tradition to launch the reading.",
    ), (
        "Greet every student at the door by name and preview the objective.",
        "Update anchor charts to this unit and post two pieces of current student work.",
        "Plan one connection to students' communities in each unit launch.",
    ), (
        "Every student feels known and the room supports the lesson.",
    )),
    Theme(("rigor", "critical", "questioning", "discussion", "engag"), (
        "Most questions recall-level; one 'why' question, answered by T.",
        "Task asked students to justify; {k} of {n} wrote a claim with evidence.",
        "Turn-and-talk on a real problem; T pushed 'How do you know?'.",
        "Worksheet practice only; students copied the steps from the board.",
    ), (
        "Script 3 'why/how do you know' questions into each lesson plan.",
        "Use wait time of 5 seconds before taking answers.",
        "Give the task before the model once a week and let students struggle for {m} minutes.",
    ), (
        "Students do the thinking: most questions ask why or how.",
        "Half of practice tasks require students to justify an answer.",
    )),
    Theme(("feedback",), (
        "Circulated and gave specific feedback to {k} students ('Your claim needs a quote').",
        "Feedback mostly praise ('Good job'). No next step named.",
        "Used a checklist so students could self-check before submitting.",
    ), (
        "Give each student one 'glow and grow' during independent practice.",
        "Use a 3-item checklist so students self-assess before they hand in work.",
    ), (
        "Students receive specific, actionable feedback every lesson.",
    )),
    Theme(("objective", "outcomes", "content", "standards", "resources", "designing", "planning"), (
        "Objective posted but not referenced; {k} of {n} could say what they were learning.",
        "Objective stated at the start and revisited at the close. Pacing tight.",
        "I do lasted {m} min; we do skipped; students unsure of steps.",
        "Lesson ran long; closing cut.",
    ), (
        "Open and close each lesson with the content-language objective and ask 2 students to restate it.",
        "Time-stamp the lesson plan and use a visible timer for each part.",
        "Plan the 'we do' with 2 checks before releasing to practice.",
    ), (
        "Every student can say what they are learning and why.",
        "Lessons follow I do / we do / you do with time for the close.",
    )),
    Theme(("language", "communicat", "collaboration"), (
        "Sentence stems posted; {k} of {n} used academic vocabulary in the turn-and-talk.",
        "T did most of the talking (~{m} min); few student voices.",
        "Partners assigned roles; groups stayed on task.",
    ), (
        "Require complete sentences with one unit word in every turn-and-talk.",
        "Post and model sentence stems for the discussion before it starts.",
        "Assign partner roles (speaker, checker) for every pair task.",
    ), (
        "Students talk more than the teacher and use academic language.",
    )),
)
GENERIC = Theme((), (
    "Short visit; students on task. Debrief on next steps.",
    "Strong start; practice part rushed.",
), ("Pick one moment of the lesson to script and rehearse before the next visit.",), (
    "Close the biggest gap seen in the last observation.",
))
SUCCESS = (
    "80% of students meet the exit ticket", "Seen in 3 consecutive visits", "Student work sample shows it",
    "Observer sees it every visit", "Scores on the indicator rise by 1",
)
REFLECTIONS = (
    "Routine is now automatic; next: raise rigor of the task.", "Partly met; carrying the goal into the next cycle.",
    "Exit-ticket data shows growth in 2 of 3 classes.", "Met. Teacher will share the move at the team meeting.",
)
MET_EVIDENCE = (
    "Seen in the follow-up visit.", "Lesson plan shows it; observed twice.", "Exit tickets sorted and used.",
    "Teacher video shows it.", None,
)


def theme_for(indicator_name: str | None) -> Theme:
    text = (indicator_name or "").lower()
    return next((t for t in THEMES if any(w in text for w in t.words)), GENERIC)


def ascii_text(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def email_of(full_name: str, domain: str) -> str:
    first, last = full_name.split(" ", 1)
    return f"{re.sub(r'[^a-z-]', '', ascii_text(first).lower())}.{re.sub(r'[^a-z]', '', ascii_text(last).lower())}@{domain}"
