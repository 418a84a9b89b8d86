"""Draw the kiosk's icons into assets/icons/ (256x256 PNG, transparent background).

Pictures come from the Noto Color Emoji font (Debian package fonts-noto-color-emoji);
level bars, distances, the weekend, the calendar, the empty star and the free coin are drawn
(a picture carries no words: the calendar emoji prints "July" in every language). Run again
after changing ICONS:

    python scripts/make_icons.py [--font PATH]
"""
from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "icons"
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
SIZE = 256
EMOJI_PX = 109  # the only size the colour bitmap font offers

# file name -> (main picture, small badge in the bottom-right corner or None)
ICONS = {
    # goals
    # one meaning each: the school building is secondary school, the pillared hall higher
    # education, flags are languages, the globe only the language button
    "goal-diploma.png": ("🏫", "📜"),
    "goal-dutch.png": ("🗣", "🇧🇪"),
    "goal-basic.png": ("✏", None),
    "goal-digital.png": ("💻", None),
    "goal-job.png": ("🛠", None),
    "goal-languages.png": ("🇬🇧", "🇪🇸"),
    "goal-higher.png": ("🏛", None),
    "unsure.png": ("❓", None),
    "skip.png": ("🤐", None),
    # diplomas
    "diploma-none.png": ("📜", "🚫"),
    "diploma-primary.png": ("🎒", None),
    "diploma-secondary-partial.png": ("🏫", "⏳"),
    "diploma-secondary.png": ("🏫", "📜"),
    "diploma-higher.png": ("🏛", "📜"),
    "diploma-foreign.png": ("📜", "✈"),
    # status
    "status-jobseeker.png": ("💼", "🔍"),
    "status-working.png": ("👷", None),
    "status-income.png": ("💶", None),
    "status-newcomer.png": ("🤝", "🇧🇪"),
    "status-student.png": ("📚", None),
    "status-other.png": ("🙂", None),
    # needs
    "need-childcare.png": ("👶", None),
    "need-wheelchair.png": ("♿", None),
    "need-language.png": ("💬", "🌍"),
    # times and formats
    "time-day.png": ("☀", None),
    "time-evening.png": ("🌆", "🕖"),
    "format-class.png": ("👥", None),
    "format-online.png": ("🏠", "💻"),
    "format-mixed.png": ("👥", "💻"),
    "distance-any.png": ("🗺", None),
    # the questions themselves, above their answers
    "question-goal.png": ("🎯", None),
    "question-dutch.png": ("💬", "🇧🇪"),
    "question-diploma.png": ("📜", None),
    "question-status.png": ("🙋", None),
    "question-needs.png": ("🛟", None),
    "question-times.png": ("🕒", None),
    "question-formats.png": ("📖", None),
    "question-postcode.png": ("🏘", None),
    "question-distance.png": ("🚌", "📍"),
    # follow-up questions: the sector, the language to learn, the skill, reading,
    # experience in the sector, the age band
    "sector-care.png": ("🩺", None),
    "sector-construction.png": ("🧱", "👷"),
    "sector-logistics.png": ("🚚", "📦"),
    "sector-hospitality.png": ("🍳", None),
    "sector-office.png": ("🗂", None),
    "sector-technology.png": ("🔧", "⚙"),
    "sector-retail.png": ("🛒", None),
    "sector-cleaning.png": ("🧹", None),
    "sector-childcare.png": ("🧸", "👶"),
    "language-en.png": ("🇬🇧", None),
    "language-fr.png": ("🇫🇷", None),
    "language-de.png": ("🇩🇪", None),
    "language-es.png": ("🇪🇸", None),
    "language-it.png": ("🇮🇹", None),
    "language-ar.png": ("🇲🇦", "💬"),
    "language-tr.png": ("🇹🇷", None),
    "skill-reading.png": ("📖", "✏"),
    "skill-arithmetic.png": ("🧮", None),
    "skill-digital.png": ("📱", None),
    "reading-dutch.png": ("📖", "🇧🇪"),
    "reading-other.png": ("📖", "🌍"),
    "reading-not-yet.png": ("📖", "❓"),
    "experience-none.png": ("💼", "🚫"),
    "experience-short.png": ("💼", "🌱"),
    "experience-long.png": ("💼", "🌳"),
    "age-young.png": ("🧑", "🌱"),
    "age-older.png": ("🧔", None),
    # interface
    "back.png": ("⬅", None),
    "home.png": ("🏠", None),
    "speaker.png": ("🔊", None),
    "language.png": ("🌐", None),
    "phone.png": ("📞", None),
    "check.png": ("✅", None),
    "star.png": ("⭐", None),
    "marked.png": ("⭐", "✅"),
    "counsellor.png": ("💁", None),
    "more-time.png": ("⏳", None),
    "location.png": ("📍", None),
    "level-native.png": ("❤", "💬"),
}
LEVELS = {"level-0.png": 0, "level-1.png": 1, "level-2.png": 2, "level-3.png": 3,
          "level-4.png": 4, "level-5.png": 5}
DISTANCES = {"distance-5.png": "5", "distance-10.png": "10", "distance-20.png": "20",
             "distance-50.png": "50"}
BLUE = (25, 99, 180, 255)
GREY = (200, 205, 212, 255)


def text_font(px: int) -> ImageFont.FreeTypeFont:
    kivy = importlib.util.find_spec("kivy")
    path = Path(kivy.origin).parent / "data" / "fonts" / "Roboto-Bold.ttf"
    return ImageFont.truetype(str(path), px)


def emoji(font: ImageFont.FreeTypeFont, char: str, box: int) -> Image.Image:
    """One emoji cropped to its pixels and scaled to fit a box x box square."""
    canvas = Image.new("RGBA", (EMOJI_PX * 2, EMOJI_PX * 2), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((EMOJI_PX // 2, EMOJI_PX // 2), char, font=font, embedded_color=True)
    bbox = canvas.getbbox()
    if bbox is None:
        raise SystemExit(f"make_icons: the emoji font has no picture for {char!r}.")
    pic = canvas.crop(bbox)
    scale = box / max(pic.size)
    return pic.resize((max(1, round(pic.width * scale)), max(1, round(pic.height * scale))),
                      Image.LANCZOS)


def paste_center(base: Image.Image, pic: Image.Image, cx: int, cy: int) -> None:
    base.alpha_composite(pic, (cx - pic.width // 2, cy - pic.height // 2))


def picture_icon(font, main: str, badge: str | None) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    if badge is None:
        paste_center(img, emoji(font, main, 224), SIZE // 2, SIZE // 2)
    else:
        paste_center(img, emoji(font, main, 200), 108, 108)
        small = emoji(font, badge, 112)
        disc = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        ImageDraw.Draw(disc).ellipse((128, 128, 254, 254), fill=(255, 255, 255, 255))
        img.alpha_composite(disc)
        paste_center(img, small, 191, 191)
    return img


def level_icon(level: int) -> Image.Image:
    """The level as a number (0 = no Dutch yet, 5 = very good) on a blue tile, with as many
    of five dots filled: a number a visitor can say, nothing like a phone's signal bars."""
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((28, 8, 228, 188), radius=28, fill=BLUE)
    draw.text((SIZE // 2, 100), str(level), font=text_font(150), fill=(255, 255, 255, 255),
              anchor="mm")
    for i in range(5):
        cx = 40 + i * 44
        draw.ellipse((cx - 17, 206, cx + 17, 240), fill=BLUE if i < level else GREY)
    return img


def weekend_icon() -> Image.Image:
    """A week of seven days with the last two coloured in."""
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((8, 40, 247, 216), radius=22, fill=(255, 255, 255, 255),
                           outline=(90, 96, 104, 255), width=6)
    draw.rounded_rectangle((8, 40, 247, 84), radius=22, fill=(214, 48, 49, 255))
    draw.rectangle((8, 66, 247, 84), fill=(214, 48, 49, 255))
    for i in range(7):
        x0 = 22 + i * 31
        draw.rounded_rectangle((x0, 104, x0 + 24, 196), radius=6,
                               fill=(246, 166, 35, 255) if i >= 5 else GREY)
    return img


def calendar_icon(font) -> Image.Image:
    """A calendar page with one day marked, and the counsellor: drawn, because the
    calendar emoji prints a month name ("July") that no visitor's language shares."""
    page = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(page)
    draw.rounded_rectangle((10, 30, 206, 206), radius=20, fill=(255, 255, 255, 255),
                           outline=(90, 96, 104, 255), width=6)
    draw.rounded_rectangle((10, 30, 206, 76), radius=20, fill=(214, 48, 49, 255))
    draw.rectangle((10, 58, 206, 76), fill=(214, 48, 49, 255))
    for x in (58, 158):                                  # the rings
        draw.rounded_rectangle((x - 7, 14, x + 7, 48), radius=7, fill=(90, 96, 104, 255))
    for row in range(3):
        for col in range(4):
            x0, y0 = 28 + col * 44, 92 + row * 36
            marked = (row, col) == (1, 2)
            draw.rounded_rectangle((x0, y0, x0 + 32, y0 + 26), radius=5,
                                   fill=BLUE if marked else GREY)
    disc = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    ImageDraw.Draw(disc).ellipse((128, 128, 254, 254), fill=(255, 255, 255, 255))
    page.alpha_composite(disc)
    paste_center(page, emoji(font, "💁", 112), 191, 191)
    return page


def star_outline_icon() -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    points = []
    for i in range(10):
        r = 116 if i % 2 == 0 else 50
        a = -math.pi / 2 + i * math.pi / 5
        points.append((128 + r * math.cos(a), 134 + r * math.sin(a)))
    ImageDraw.Draw(img).line(points + points[:2], fill=(246, 166, 35, 255), width=14, joint="curve")
    return img


def distance_icon(font, km: str) -> Image.Image:
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    paste_center(img, emoji(font, "📍", 120), SIZE // 2, 66)
    draw = ImageDraw.Draw(img)
    draw.text((SIZE // 2, 190), f"{km} km", font=text_font(84), fill=BLUE, anchor="mm")
    return img


def free_icon() -> Image.Image:
    """Costs nothing: "0 €" on a coin."""
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((12, 12, 243, 243), fill=(246, 196, 60, 255), outline=(196, 140, 20, 255), width=10)
    draw.text((SIZE // 2, SIZE // 2 + 4), "0 €", font=text_font(92), fill=BLUE, anchor="mm")
    return img


def save(img: Image.Image, name: str) -> None:
    # a 256-colour palette keeps the files small; alpha survives the quantisation
    img.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(OUT / name, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", default=EMOJI_FONT, help="colour emoji font (NotoColorEmoji.ttf)")
    args = parser.parse_args(argv)
    try:
        font = ImageFont.truetype(args.font, EMOJI_PX)
    except OSError:
        print(f"make_icons: cannot open the emoji font {args.font} "
              "(install the package fonts-noto-color-emoji).", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (main_pic, badge) in ICONS.items():
        save(picture_icon(font, main_pic, badge), name)
    for name, filled in LEVELS.items():
        save(level_icon(filled), name)
    for name, km in DISTANCES.items():
        save(distance_icon(font, km), name)
    save(weekend_icon(), "time-weekend.png")
    save(calendar_icon(font), "appointment.png")
    save(star_outline_icon(), "star-outline.png")
    save(free_icon(), "need-free.png")
    print(f"{len(ICONS) + len(LEVELS) + len(DISTANCES) + 4} icons in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
