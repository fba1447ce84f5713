# ruff: noqa: E501  (the data tables of realistic values read better one entry a line)
"""exportkit benchmark: synthetic registry files, a stdlib floor, and the exportkit steps.

    python bench/run.py --rows 100000
    python bench/run.py --rows 1000000 --skip-postgres
    python bench/run.py --rows 100000 --only generate,floor,enroll_businesses --keep

Generates, into the work folder (default bench/out/, git-ignored):

- businesses-<rows>.csv: Indonesian headers, `;` separated, Indonesian number formats,
  valid 13-digit NIBs, valid NPWPs (stdnum.id.npwp check digit) or empty;
- products-<rows>.csv: English headers, `,` separated, 3 products per business;
- ekspor-<rows>.csv: export records (rows/10), Indonesian headers, `;` separated.

Then times each step as a subprocess (wall time, and peak RSS of that process from
os.wait4's rusage) and prints a Markdown table, also written to results-<rows>.md (and the
raw numbers to results-<rows>.json). Targets are measured and reported, never asserted.

Steps (for --only): generate, floor, floor_products, schema_floor, schema_floor_products,
sqlite_utils, sqlite_utils_text, checks_only, enroll_businesses, enroll_products,
enroll_exports, reenroll_products, score, store_floor (with score in the same run: it
copies the registry before scoring), shortlist, exports_report, list_businesses, gaps_file,
startup, pg_floor, pg_enroll, pg_enroll_products, pg_reenroll_products. Steps after
enroll_businesses use the registry the earlier steps left (run with --keep to reuse it
across invocations). The
PostgreSQL database is made afresh by every run: --only pg_reenroll_products runs
pg_enroll_products and pg_enroll first (PG_NEEDS).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
BIN = Path(sys.executable).parent
EXPORTKIT = str(BIN / "exportkit") if (BIN / "exportkit").exists() else "exportkit"
SQLITE_UTILS = str(BIN / "sqlite-utils") if (BIN / "sqlite-utils").exists() else "sqlite-utils"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
PG_BASE = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")

STEPS = ("generate", "floor", "floor_products", "schema_floor", "schema_floor_products",
         "sqlite_utils", "sqlite_utils_text",
         "checks_only", "enroll_businesses", "enroll_products", "enroll_exports",
         "reenroll_products", "score", "store_floor", "shortlist", "exports_report",
         "list_businesses", "gaps_file", "startup", "pg_floor", "pg_enroll", "pg_enroll_products",
         "pg_reenroll_products")

# PostgreSQL steps that need an earlier one in the same run (its database lives one run)
PG_NEEDS = {"pg_enroll_products": "pg_enroll", "pg_reenroll_products": "pg_enroll_products"}
READ_REGENCY = "Jepara"  # the regency filter for the read steps
READS = 5  # runs of each read step, the median reported (the host has bursts of load)

# -- realistic pools ------------------------------------------------------------------------

REGENCIES = [  # (regency, province, weight)
    ("Kabupaten Jepara", "Jawa Tengah", 3), ("Kabupaten Klaten", "Jawa Tengah", 2),
    ("Kota Pekalongan", "Jawa Tengah", 2), ("Kabupaten Pekalongan", "Jawa Tengah", 2),
    ("Kabupaten Sukoharjo", "Jawa Tengah", 2), ("Kota Surakarta", "Jawa Tengah", 2),
    ("Kabupaten Kudus", "Jawa Tengah", 2), ("Kabupaten Banyumas", "Jawa Tengah", 2),
    ("Kabupaten Magelang", "Jawa Tengah", 1), ("Kota Semarang", "Jawa Tengah", 3),
    ("Kabupaten Temanggung", "Jawa Tengah", 1), ("Kabupaten Rembang", "Jawa Tengah", 1),
    ("Kabupaten Blitar", "Jawa Timur", 2), ("Kabupaten Malang", "Jawa Timur", 3),
    ("Kota Surabaya", "Jawa Timur", 3), ("Kabupaten Sidoarjo", "Jawa Timur", 3),
    ("Kabupaten Pasuruan", "Jawa Timur", 2), ("Kabupaten Tulungagung", "Jawa Timur", 1),
    ("Kabupaten Jember", "Jawa Timur", 2), ("Kabupaten Banyuwangi", "Jawa Timur", 2),
    ("Kabupaten Gresik", "Jawa Timur", 2), ("Kabupaten Kediri", "Jawa Timur", 2),
    ("Kabupaten Bandung", "Jawa Barat", 3), ("Kota Bandung", "Jawa Barat", 3),
    ("Kabupaten Bogor", "Jawa Barat", 3), ("Kabupaten Tasikmalaya", "Jawa Barat", 2),
    ("Kabupaten Cirebon", "Jawa Barat", 2), ("Kabupaten Garut", "Jawa Barat", 2),
    ("Kota Depok", "Jawa Barat", 2), ("Kabupaten Bekasi", "Jawa Barat", 2),
    ("Kabupaten Bantul", "DI Yogyakarta", 2), ("Kabupaten Sleman", "DI Yogyakarta", 2),
    ("Kota Yogyakarta", "DI Yogyakarta", 2), ("Kabupaten Gunungkidul", "DI Yogyakarta", 1),
    ("Kabupaten Gianyar", "Bali", 2), ("Kota Denpasar", "Bali", 2),
    ("Kabupaten Badung", "Bali", 1), ("Kabupaten Tabanan", "Bali", 1),
    ("Kabupaten Lombok Tengah", "Nusa Tenggara Barat", 1), ("Kota Mataram", "Nusa Tenggara Barat", 1),
    ("Kabupaten Sikka", "Nusa Tenggara Timur", 1), ("Kota Kupang", "Nusa Tenggara Timur", 1),
    ("Kota Medan", "Sumatera Utara", 3), ("Kabupaten Deli Serdang", "Sumatera Utara", 2),
    ("Kota Padang", "Sumatera Barat", 2), ("Kabupaten Agam", "Sumatera Barat", 1),
    ("Kota Palembang", "Sumatera Selatan", 2), ("Kota Bandar Lampung", "Lampung", 2),
    ("Kabupaten Aceh Tengah", "Aceh", 1), ("Kota Pekanbaru", "Riau", 2),
    ("Kota Makassar", "Sulawesi Selatan", 3), ("Kabupaten Toraja Utara", "Sulawesi Selatan", 1),
    ("Kota Manado", "Sulawesi Utara", 1), ("Kota Pontianak", "Kalimantan Barat", 1),
    ("Kota Samarinda", "Kalimantan Timur", 1), ("Kota Banjarmasin", "Kalimantan Selatan", 1),
    ("Kota Tangerang", "Banten", 2), ("Kabupaten Serang", "Banten", 1),
    ("Kota Jakarta Timur", "DKI Jakarta", 3), ("Kota Jakarta Barat", "DKI Jakarta", 3),
]

FIRST = ["Sumber", "Mitra", "Karya", "Jaya", "Makmur", "Sari", "Berkah", "Cahaya", "Sinar",
         "Putra", "Putri", "Tunas", "Bintang", "Mega", "Anugerah", "Rejeki", "Sido", "Mulia",
         "Tiga", "Dua", "Bumi", "Dewi", "Surya", "Mandala", "Griya", "Rumah", "Kampung",
         "Sentra", "Pusaka", "Warisan", "Citra", "Puspa", "Lestari", "Maju", "Gemilang",
         "Harapan", "Pelangi", "Nusa", "Dapur", "Omah", "Kencana", "Mutiara", "Intan",
         "Cipta", "Guna", "Prima", "Indo", "Sejati", "Wahyu", "Barokah"]
LAST = ["Mulya", "Abadi", "Sejahtera", "Lestari", "Mandiri", "Nusantara", "Indah", "Sentosa",
        "Jaya", "Makmur", "Utama", "Perkasa", "Bersama", "Sakti", "Agung", "Asri", "Rahayu",
        "Wijaya", "Kencana", "Permai", "Sukses", "Barokah", "Amanah", "Santoso", "Raharjo",
        "Internasional", "Global", "Kreasi", "Art", "Craft", "Handmade", "Collection",
        "Group", "Family", "Sehati", "Setia", "Budi", "Harapan", "Murni", "Sari"]
LEGAL = [("PT", "PT ", 8), ("CV", "CV ", 30), ("UD", "UD ", 30), ("Koperasi", "Koperasi ", 4),
         ("Firma", "Firma ", 1), ("Perorangan", "", 27)]

# sector -> (sector label, name word, product templates)
# product template: (name, category as officers write it, HS code, wood, perishable,
#   shelf life range or None, packaging choices, unit, capacity range, FOB range)
PACK_WOOD = ["bubble wrap, foam corners, shrink wrap", "bubble wrap and 5-ply carton",
             "blanket wrap", "plastic sheet", "bubble wrap"]
PACK_TEXTILE = ["folded in polybag with hang tag", "folded in polybag", "plastic bag",
                "box with tissue paper"]
PACK_FOOD = ["standing pouch with zip lock", "glass jar, sealed lid", "plastic jar",
             "aluminium foil pouch", "paper box with inner plastic", "plastic bag, heat sealed",
             "PET bottle"]
PACK_CRAFT = ["bubble wrap in carton", "paper wrap", "plastic bag", "kraft box",
              "bubble wrap, foam corners"]
SECTORS = {
    "mebel": ("Mebel ukir kayu jati", "Jati", [
        ("Kursi ukir jati", "mebel ukir", "940169", 1, 0, None, PACK_WOOD, "pcs", (20, 400), (60, 400)),
        ("Meja makan jati", "wood_furniture", "940360", 1, 0, None, PACK_WOOD, "pcs", (10, 120), (200, 1500)),
        ("Almari ukir 2 pintu", "meubel", "940350", 1, 0, None, PACK_WOOD, "pcs", (5, 60), (400, 1800)),
        ("Bufet ukir", "furnitur kayu", "940360", 1, 0, None, PACK_WOOD, "pcs", (5, 80), (300, 1200)),
        ("Meja tamu ukir", "furniture", "940360", 1, 0, None, PACK_WOOD, "pcs", (10, 150), (150, 700)),
        ("Kursi teras mahoni", "mebel", "940169", 1, 0, None, PACK_WOOD, "pcs", (20, 300), (50, 250)),
        ("Tempat tidur ukir", "furnitur", "940350", 1, 0, None, PACK_WOOD, "pcs", (5, 40), (500, 2500)),
    ]),
    "ukiran": ("Kerajinan ukir kayu", "Ukir", [
        ("Hiasan dinding ukir relief", "ukiran kayu", "442011", 1, 0, None, PACK_CRAFT, "pcs", (30, 500), (15, 200)),
        ("Bingkai cermin ukir", "ukiran", "441400", 1, 0, None, PACK_CRAFT, "pcs", (20, 300), (40, 250)),
        ("Patung kayu", "wood carving", "442011", 1, 0, None, PACK_CRAFT, "pcs", (10, 200), (20, 600)),
        ("Topeng kayu", "kerajinan kayu", "442090", 1, 0, None, PACK_CRAFT, "pcs", (50, 800), (5, 60)),
        ("Nampan kayu", "wooden_craft", "441990", 1, 0, None, PACK_CRAFT, "pcs", (100, 2000), (3, 25)),
    ]),
    "tenun": ("Tenun ikat dan batik", "Batik", [
        ("Kain tenun ikat", "tenun ikat", "520849", 0, 0, None, PACK_TEXTILE, "m", (200, 5000), (5, 40)),
        ("Selendang tenun", "tenun", "621490", 0, 0, None, PACK_TEXTILE, "pcs", (100, 2000), (8, 30)),
        ("Kain batik tulis", "batik", "520852", 0, 0, None, PACK_TEXTILE, "pcs", (20, 400), (20, 250)),
        ("Kain batik cap", "kain batik", "520852", 0, 0, None, PACK_TEXTILE, "pcs", (200, 3000), (6, 40)),
        ("Kemeja batik", "pakaian", "620530", 0, 0, None, PACK_TEXTILE, "pcs", (200, 5000), (8, 45)),
        ("Taplak meja tenun", "textile", "630251", 0, 0, None, PACK_TEXTILE, "pcs", (100, 1500), (6, 30)),
    ]),
    "pangan": ("Makanan olahan", "Rasa", [
        ("Keripik tempe", "makanan olahan", "200819", 0, 1, (90, 240), PACK_FOOD, "kg", (200, 8000), (2, 8)),
        ("Sambal bawang", "processed_food", "210390", 0, 1, (180, 365), PACK_FOOD, "jar", (500, 20000), (1, 5)),
        ("Kopi bubuk robusta", "makanan", "090121", 0, 1, (180, 540), PACK_FOOD, "kg", (200, 10000), (6, 25)),
        ("Keripik singkong balado", "snack", "200819", 0, 1, (90, 180), PACK_FOOD, "kg", (300, 12000), (2, 7)),
        ("Abon sapi", "olahan pangan", "160250", 0, 1, (120, 365), PACK_FOOD, "kg", (100, 3000), (8, 20)),
        ("Gula aren cair", "pangan olahan", "170290", 0, 1, (180, 720), PACK_FOOD, "l", (500, 15000), (2, 6)),
        ("Rendang kemasan", "makanan olahan", "160250", 0, 1, (30, 365), PACK_FOOD, "pack", (200, 6000), (3, 12)),
        ("Kerupuk udang", "camilan", "190590", 0, 1, (180, 540), PACK_FOOD, "kg", (500, 20000), (2, 9)),
    ]),
    "rotan": ("Kerajinan rotan, bambu dan logam", "Rotan", [
        ("Keranjang rotan", "kerajinan", "460219", 0, 0, None, PACK_CRAFT, "pcs", (200, 5000), (3, 30)),
        ("Kap lampu bambu", "handicraft", "460211", 0, 0, None, PACK_CRAFT, "pcs", (100, 2000), (5, 40)),
        ("Patung kuningan", "kerajinan logam", "830629", 0, 0, None, PACK_CRAFT, "pcs", (20, 500), (10, 150)),
        ("Hiasan kerang", "kerajinan kerang", "960190", 0, 0, None, PACK_CRAFT, "pcs", (100, 3000), (2, 20)),
        ("Sapu lidi", "sapu lidi", "960310", 0, 0, None, PACK_CRAFT, "pcs", (1000, 30000), (0.3, 1.5)),
    ]),
    "alas_kaki": ("Alas kaki", "Langkah", [
        ("Sandal kulit", "sandal", "640399", 0, 0, None, PACK_CRAFT, "pairs", (200, 6000), (4, 25)),
        ("Sepatu kulit pria", "sepatu", "640399", 0, 0, None, PACK_CRAFT, "pairs", (100, 3000), (15, 60)),
        ("Sandal hotel", "alas kaki", "640299", 0, 0, None, PACK_CRAFT, "pairs", (2000, 50000), (0.3, 1.2)),
        ("Sepatu anyaman", "footwear", "640419", 0, 0, None, PACK_CRAFT, "pairs", (100, 2000), (8, 30)),
    ]),
    "musik": ("Alat musik", "Irama", [
        ("Kendang jimbe", "kendang", "920600", 1, 0, None, PACK_WOOD, "pcs", (50, 2000), (10, 80)),
        ("Gamelan mini", "gamelan", "920600", 0, 0, None, PACK_WOOD, "set", (2, 40), (300, 3000)),
        ("Angklung", "alat musik", "920890", 1, 0, None, PACK_CRAFT, "set", (20, 500), (20, 150)),
        ("Gitar akustik", "musical instruments", "920290", 1, 0, None, PACK_WOOD, "pcs", (20, 400), (40, 300)),
    ]),
    "tembakau": ("Tembakau dan rokok", "Kretek", [
        ("Tembakau iris", "tembakau iris", "240319", 0, 0, None, PACK_CRAFT, "kg", (500, 20000), (5, 20)),
        ("Cerutu", "cerutu", "240210", 0, 0, None, PACK_CRAFT, "box", (50, 2000), (10, 80)),
        ("Rokok kretek", "kretek", "240220", 0, 0, None, PACK_CRAFT, "pack", (1000, 50000), (0.5, 2)),
    ]),
    "tanaman": ("Tanaman hias", "Flora", [
        ("Tanaman hias aglonema", "tanaman hias", "060290", 0, 1, (14, 45), PACK_CRAFT, "pcs", (100, 5000), (2, 30)),
        ("Bonsai beringin", "bonsai", "060290", 0, 1, (30, 90), PACK_CRAFT, "pcs", (10, 300), (20, 200)),
        ("Anggrek bulan", "live plants", "060290", 0, 1, (14, 30), PACK_CRAFT, "pcs", (200, 8000), (2, 15)),
    ]),
}
SECTOR_WEIGHTS = {"mebel": 14, "ukiran": 8, "tenun": 16, "pangan": 30, "rotan": 10,
                  "alas_kaki": 7, "musik": 3, "tembakau": 4, "tanaman": 8}
VARIANTS = ["", " premium", " model A", " model B", " ukuran besar", " ukuran kecil",
            " motif klasik", " motif modern", " seri 2", " edisi ekspor"]
DESTINATIONS = ["Tiongkok", "Amerika Serikat", "Jepang", "Korea Selatan", "Singapura",
                "Malaysia", "Belanda", "Jerman", "Australia", "UEA", "Arab Saudi", "Hongkong",
                "Taiwan", "Perancis", "Inggris", "Vietnam", "Thailand", "India", "Kanada", "Italia"]
LANGS = ["id", "id,en", "en", "id,en", "", "id", "id,en,ar", "en"]
YES_NO_ID = ["ya", "tidak"]
YES_NO_EN = ["yes", "no"]

BUSINESS_HEADERS = ["NIB", "NPWP", "Nama Usaha", "Bentuk Usaha", "Kabupaten/Kota", "Provinsi",
                    "Bidang Usaha", "Jumlah Tenaga Kerja", "Omzet per Tahun (Rp)",
                    "Tahun Berdiri", "Pengalaman Ekspor", "Telepon"]
PRODUCT_HEADERS = ["Business NIB", "Business name", "Regency/City", "Product name",
                   "Category", "HS code", "Made of wood", "Perishable", "Shelf life (days)",
                   "Primary packaging", "Export carton or crate", "Transit protection",
                   "Food-grade packaging", "Complete label", "Label languages",
                   "Barcode (GTIN/EAN)", "Wooden packaging", "ISPM-15 marked",
                   "Monthly capacity", "Unit", "FOB price (USD)"]
EXPORT_HEADERS = ["NIB Usaha", "Nama Usaha", "Kabupaten/Kota", "Provinsi", "Komoditas",
                  "Kategori", "Kode HS", "Tahun", "Negara Tujuan", "Nilai Ekspor",
                  "Mata Uang", "Volume", "Satuan Volume", "Sumber"]


def id_number(value: int) -> str:
    """1234567 -> 1.234.567 (Indonesian thousands separators)."""
    return f"{value:,}".replace(",", ".")


def en_number(value: int) -> str:
    return f"{value:,}"


def npwp_pool(rng: random.Random, n: int) -> list[str]:
    from stdnum import luhn
    from stdnum.id import npwp

    pool = []
    for i in range(n):
        head = f"{rng.choice(['01', '02', '03', '07', '08', '09', '31', '41', '66', '70', '80', '90'])}{rng.randrange(10**6):06d}"
        check = luhn.calc_check_digit(head)
        tail = f"{rng.randrange(1, 999):03d}000"
        number = head + check + tail
        if i % 4 == 3:
            pool.append("0" + number)  # the 16-digit form since 2024
        else:
            pool.append(npwp.format(number))  # 01.546.848.1-516.000
    # a sample checked with stdnum itself
    for value in pool[:50]:
        npwp.validate(value)
    return pool


def gtin_pool(rng: random.Random, n: int) -> list[str]:
    from stdnum import ean

    pool = []
    for _ in range(n):
        head = f"899{rng.randrange(10**9):09d}"
        pool.append(head + ean.calc_check_digit(head))
    return pool


def nib_for(i: int) -> str:
    # a bijection of 0..10**11-1 (the multiplier is coprime with 10), so every NIB is unique
    return f"{81 + i % 9}{(i * 2654435761 + 12345) % 10**11:011d}"


def generate(rows: int, out: Path, seed: int = 20250101) -> dict:
    """Writes businesses-<rows>.csv, products-<rows>.csv, ekspor-<rows>.csv. Single pass."""
    rng = random.Random(seed)
    rnd = rng.random
    paths = {k: out / f"{k}-{rows}.csv" for k in ("businesses", "products", "ekspor")}
    regencies = [(r, p) for r, p, w in REGENCIES for _ in range(w)]
    legal = [(code, prefix) for code, prefix, w in LEGAL for _ in range(w)]
    sectors = [s for s, w in SECTOR_WEIGHTS.items() for _ in range(w)]
    npwps = npwp_pool(rng, 50_000)
    gtins = gtin_pool(rng, 20_000)
    # NIBs must be unique: 9 leading-digit classes x a bijection on 11 digits
    employees_pool = [max(1, int(rng.lognormvariate(2.3, 1.0))) for _ in range(4096)]
    revenue_pool = [
        ("Rp " if k % 3 == 0 else "") + id_number(max(50, int(rng.lognormvariate(7.0, 1.4))) * 1_000_000)
        for k in range(4096)]
    phone_pool = [f"08{rng.choice('1235789')}{rng.randrange(10)}-{rng.randrange(10**4):04d}-"
                  f"{rng.randrange(10**4):04d}" for _ in range(8192)]
    experience = ["none"] * 6 + ["indirect"] * 3 + ["direct"]
    # products: per sector, per template, a pool of complete row tails (after the name)
    tails: dict[str, list[list[tuple[str, list[str]]]]] = {}
    for sector, (_, _, templates) in SECTORS.items():
        per_template = []
        for (name, category, hs, wood, perishable, shelf, packs, unit, cap, fob) in templates:
            variants = []
            for _ in range(64):
                capacity = rng.randrange(cap[0], cap[1] + 1)
                capacity = (capacity // 10 * 10) if capacity > 100 else capacity
                price = rng.uniform(*fob)
                exported = rnd() < 0.45
                tail = [
                    category,
                    hs if rnd() < 0.9 else (f"{hs[:4]}.{hs[4:]}" if rnd() < 0.5 else ""),
                    YES_NO_EN[0 if wood else 1],
                    YES_NO_EN[0 if perishable else 1],
                    str(rng.randrange(shelf[0], shelf[1] + 1)) if shelf and rnd() < 0.9 else "",
                    rng.choice(packs),
                    YES_NO_EN[0 if exported else 1],
                    YES_NO_EN[0 if exported or rnd() < 0.3 else 1],
                    (YES_NO_EN[0 if rnd() < 0.6 else 1] if perishable else ""),
                    YES_NO_EN[0 if rnd() < 0.5 else 1],
                    rng.choice(LANGS),
                    rng.choice(gtins) if rnd() < (0.5 if perishable else 0.15) else "",
                    YES_NO_EN[0 if wood and rnd() < 0.6 else 1] if wood else "",
                    YES_NO_EN[0 if rnd() < 0.5 else 1] if wood else "",
                    en_number(capacity),
                    unit,
                    f"{price:,.2f}" if rnd() < 0.85 else "",
                ]
                variants.append(tail)
            per_template.append((name, variants))
        tails[sector] = per_template
    sector_meta = {s: (label, word) for s, (label, word, _) in SECTORS.items()}
    destinations = DESTINATIONS

    nreg, nleg, nsec = len(regencies), len(legal), len(sectors)
    nfirst, nlast, nnp = len(FIRST), len(LAST), len(npwps)
    nvar = len(VARIANTS)
    started = time.perf_counter()
    with paths["businesses"].open("w", encoding="utf-8", newline="") as fb, \
            paths["products"].open("w", encoding="utf-8", newline="") as fp, \
            paths["ekspor"].open("w", encoding="utf-8", newline="") as fe:
        wb = csv.writer(fb, delimiter=";", lineterminator="\n")
        wp = csv.writer(fp, lineterminator="\n")
        we = csv.writer(fe, delimiter=";", lineterminator="\n")
        wb.writerow(BUSINESS_HEADERS)
        wp.writerow(PRODUCT_HEADERS)
        we.writerow(EXPORT_HEADERS)
        brows, prows, erows = [], [], []
        exports = 0
        for i in range(rows):
            regency, province = regencies[int(rnd() * nreg)]
            code, prefix = legal[int(rnd() * nleg)]
            sector = sectors[int(rnd() * nsec)]
            label, word = sector_meta[sector]
            r = rnd()
            # names: prefix + two or three words; a serial keeps most of them distinct
            if r < 0.5:
                name = f"{prefix}{FIRST[int(rnd() * nfirst)]} {word} {LAST[int(rnd() * nlast)]}"
            else:
                name = f"{prefix}{FIRST[int(rnd() * nfirst)]} {LAST[int(rnd() * nlast)]}"
            name = f"{name} {i % 997 + 1}" if r > 0.15 else name
            nib = nib_for(i)
            brows.append((
                nib,
                npwps[i % nnp] if r > 0.25 else "",
                name, code, regency, province, label,
                employees_pool[i & 4095],
                revenue_pool[(i * 7) & 4095] if r < 0.92 else "",
                1975 + (i * 31) % 50,
                experience[i % 10],
                phone_pool[i & 8191] if r < 0.8 else "",
            ))
            templates = tails[sector]
            nt = len(templates)
            first = int(rnd() * nt)
            variant = VARIANTS[int(rnd() * nvar)]
            for k in range(3):
                tname, variants = templates[(first + k) % nt]
                # with fewer than 3 templates the variant keeps the names distinct
                pname = f"{tname}{variant}" if k < nt else f"{tname}{variant} {k}"
                prows.append((nib, name, regency, pname, *variants[int(rnd() * 64)]))
            if i % 20 == 0:  # one business in 20 has two years of exports: rows/10 records
                tname, variants = templates[first]
                tail = variants[0]
                year = 2019 + (i // 20) % 6
                dest = destinations[(i // 20) % len(destinations)]
                value = int(rnd() * 5_000) * 1_000_000 + 50_000_000
                for y in (year, year + 1):
                    erows.append((nib, name, regency, province, tname, tail[0], tail[1], y,
                                  dest, id_number(value), "IDR",
                                  id_number(int(rnd() * 50_000) + 100), "kg",
                                  "Disperindag (sintetis untuk benchmark)"))
                    value = value * (90 + int(rnd() * 40)) // 100
                exports += 2
            if len(brows) >= 20_000:
                wb.writerows(brows)
                wp.writerows(prows)
                we.writerows(erows)
                brows.clear(), prows.clear(), erows.clear()
        wb.writerows(brows)
        wp.writerows(prows)
        we.writerows(erows)
    elapsed = time.perf_counter() - started
    return {"paths": {k: str(v) for k, v in paths.items()}, "businesses": rows,
            "products": rows * 3, "exports": exports, "seconds": elapsed,
            "bytes": {k: v.stat().st_size for k, v in paths.items()}}


# -- floors: run in a child process so their own peak RSS is measured -----------------------

def floor_sqlite(csv_path: str, db_path: str, delimiter: str) -> int:
    Path(db_path).unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    with open(csv_path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        headers = next(reader)
        columns = ", ".join(f'"{h}"' for h in headers)
        connection.execute(f"CREATE TABLE t ({columns})")
        marks = ", ".join("?" * len(headers))
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO t VALUES ({marks})", reader)
        connection.execute("COMMIT")
    count = connection.execute("SELECT count(*) FROM t").fetchone()[0]
    connection.close()
    return count


# The file's columns, by position, as the registry's columns (None: not stored there).
SCHEMA_COLUMNS = {
    "business": ("nib", "npwp", "name", "legal_form", "regency", "province", "sector",
                 "employees", "annual_revenue", "founded_year", "export_experience", "phone"),
    "product": (None, None, None, "name", "category", "hs_code", "wood_based", "perishable",
                "shelf_life_days", "primary_packaging", "export_carton", "transit_protection",
                "food_grade", "label_complete", "label_languages", "gtin", "wood_packaging",
                "ispm15_marked", "monthly_capacity", "unit", "fob_price_usd"),
}


# exportkit.registry.engine: the page cache an import keeps for businesses, else SQLite's
PAGE_CACHE_KIB = {"business": 32_768, "product": 2_000}


def new_registry(db_path: str) -> None:
    from exportkit.registry import open_registry

    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    open_registry(db_path)


def schema_floor(csv_path: str, db_path: str, delimiter: str, table: str) -> int:
    """The floor with the registry's own tables and indexes: the file's cells as they are,
    no checks, into exportkit's schema (created by its migrations), with the pragmas of
    its bulk imports. What writing these rows costs SQLite, whoever writes them. The
    registry is made beforehand (`_new_registry`), so exportkit's imports are not timed."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON",
                   f"cache_size = -{PAGE_CACHE_KIB[table]}"):
        connection.execute(f"PRAGMA {pragma}")
    positions = [(i, c) for i, c in enumerate(SCHEMA_COLUMNS[table]) if c]
    columns = ["name_key", *(c for _, c in positions), "created_at", "updated_at"]
    if table == "product":
        columns.insert(0, "business_id")
    now = "2026-01-01 00:00:00.000000"
    name_at = SCHEMA_COLUMNS[table].index("name")

    def rows():
        # the bench's product file lists three products per business, in the businesses'
        # order, so a product's business is its row number over three
        for n, cells in enumerate(reader):
            row = [cells[name_at].lower(), *(cells[i] for i, _ in positions), now, now]
            if table == "product":
                row.insert(0, n // 3 + 1)
            yield row

    with open(csv_path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        next(reader)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                               f"({', '.join('?' * len(columns))})", rows())
        connection.execute("COMMIT")
    count = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    connection.close()
    return count


def floor_postgres(csv_path: str, dsn: str, delimiter: str) -> int:
    import psycopg

    with open(csv_path, encoding="utf-8", newline="") as stream:
        headers = next(csv.reader([stream.readline()], delimiter=delimiter))
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_t")
        cursor.execute("CREATE TABLE floor_t (" + ", ".join(f'"{h}" text' for h in headers) + ")")
        with open(csv_path, "rb") as stream, cursor.copy(
                f"COPY floor_t FROM STDIN (FORMAT csv, DELIMITER '{delimiter}', HEADER true)"
        ) as copy:
            while block := stream.read(1 << 20):
                copy.write(block)
        cursor.execute("SELECT count(*) FROM floor_t")
        return cursor.fetchone()[0]


# The layouts the storing floor writes a run's rows in: the registry's, and others a
# redesign of the score tables might take, to weigh it with numbers (bench/store_layouts.py)
STORE_LAYOUTS = {
    "registry": "the registry's tables, indexes and foreign keys",
    "gaps_in_detail": "no gap rows: each business's gaps in its snapshot's detail JSON",
    "bare": "the registry's tables without their secondary indexes and foreign keys",
    "snapshots_only": "snapshot rows only, bare: no gap rows, no latest pointers",
}
SCORE_INDEXES = ("ix_assessment_business_market", "ix_assessment_product_market",
                 "ix_assessment_gap_assessment_id")


def _detail_rows(gaps_csv: Path) -> int:
    """The rows of a gaps report's second table (the detail), in its CSV file."""
    with gaps_csv.open(encoding="utf-8-sig", newline="") as stream:
        tables = [0]
        for row in csv.reader(stream):
            if row:
                tables[-1] += 1
            else:
                tables.append(0)
    return tables[1] - 1  # its header row left out


def copy_registry(source: str | Path, target: str | Path) -> None:
    """`target`: a copy of the registry `source` (sqlite3's backup), without the log of an
    earlier copy there (a killed run's log would be replayed into it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as registry, sqlite3.connect(target) as copy:
        registry.backup(copy)


def copy_before_run(registry: str | Path, copy: str | Path) -> None:
    """`copy`: the registry of one scoring run as it was before that run."""
    copy_registry(registry, copy)
    connection = sqlite3.connect(copy, isolation_level=None)
    batches = connection.execute("SELECT count(DISTINCT batch) FROM assessment").fetchone()[0]
    if batches != 1:
        raise SystemExit(f"{registry}: holds {batches} scoring runs; this needs one "
                         "(a registry bench/run.py enrolled and scored)")
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("BEGIN")
    for table in ("latest_assessment", "assessment_gap", "assessment"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute("COMMIT")
    connection.execute("VACUUM")
    connection.close()


def store_floor(source: str, target: str, layout: str = "registry") -> str:
    """The rows the last `score` run stored in `source`, written again with stdlib sqlite3
    into `target`, a copy of the registry made just before that run: the registry's
    tables, indexes and foreign keys, its pragmas, and the statements exportkit's store
    sends (snapshots with their ids, "latest" pointed at them, the businesses' gap rows),
    2,000 snapshots at a time, in one transaction; no scoring, no SQLAlchemy. What storing
    a scoring run's rows costs SQLite, whoever stores them. Only the writes are timed: the
    rows are read from `source`, and laid out, before each batch is written. `layout`: one
    of STORE_LAYOUTS (the others change `target`'s tables first). Prints a JSON line: the
    product snapshots written, the seconds the writes took and the bytes they added to
    the registry."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target, isolation_level=None)
    bare = layout in ("bare", "snapshots_only")
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL",
                   f"foreign_keys = {'OFF' if bare else 'ON'}",
                   f"cache_size = -{PAGE_CACHE_KIB['product']}"):
        writer.execute(f"PRAGMA {pragma}")
    if bare:
        for index in SCORE_INDEXES:
            writer.execute(f"DROP INDEX IF EXISTS {index}")
    batch = reader.execute("SELECT batch FROM assessment ORDER BY id DESC LIMIT 1").fetchone()
    if batch is None:
        raise SystemExit(f"{source}: no scores stored: run the score step first")
    columns = ("id, business_id, product_id, best_product_id, market, category, "
               "rubric_version, rubric_digest, total, level, blocked, detail, batch, "
               "created_at")
    snapshots = f"INSERT INTO assessment ({columns}) VALUES ({', '.join('?' * 14)})"
    gap_columns = "assessment_id, kind, code, position, gain, text_en, text_id"
    gaps = f"INSERT INTO assessment_gap ({gap_columns}) VALUES ({', '.join('?' * 7)})"
    latest = ("INSERT INTO latest_assessment (market_key, subject, business_id, product_id, "
              "assessment_id) SELECT coalesce(market, ''), CASE WHEN product_id IS NULL THEN "
              "'b' ELSE 'p' END, business_id, coalesce(product_id, 0), id FROM assessment "
              "WHERE id BETWEEN ? AND ? ON CONFLICT (market_key, subject, business_id, "
              "product_id) DO UPDATE SET assessment_id = excluded.assessment_id "
              "WHERE excluded.assessment_id > latest_assessment.assessment_id")
    def pages() -> int:  # the file's pages in use, the log checkpointed into it
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return (writer.execute("PRAGMA page_count").fetchone()[0]
                - writer.execute("PRAGMA freelist_count").fetchone()[0])

    pages_before = pages()
    seconds, products, after = 0.0, 0, 0
    started = time.perf_counter()
    writer.execute("BEGIN IMMEDIATE")
    seconds += time.perf_counter() - started
    while True:
        rows = reader.execute(f"SELECT {columns} FROM assessment WHERE batch = ? AND id > ? "
                              "ORDER BY id LIMIT 2000", (batch[0], after)).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        their_gaps = reader.execute(f"SELECT {gap_columns} FROM assessment_gap WHERE "
                                    "assessment_id BETWEEN ? AND ? ORDER BY id",
                                    (rows[0][0], after)).fetchall()
        products += sum(1 for row in rows if row[2] is not None)
        if layout == "gaps_in_detail":
            rows = _gaps_in_detail(rows, their_gaps)
        started = time.perf_counter()
        # the ids as exportkit's store takes them: the next free ones (the same here)
        first = writer.execute("SELECT coalesce(max(id), 0) + 1 FROM assessment").fetchone()[0]
        shift = first - rows[0][0]
        writer.executemany(snapshots, [(row[0] + shift, *row[1:]) for row in rows])
        if layout != "snapshots_only":
            writer.execute(latest, (first, after + shift))
        if layout in ("registry", "bare"):
            writer.executemany(gaps, [(gap[0] + shift, *gap[1:]) for gap in their_gaps])
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    writer.execute("COMMIT")
    seconds += time.perf_counter() - started
    added = (pages() - pages_before) * writer.execute("PRAGMA page_size").fetchone()[0]
    writer.close()
    reader.close()
    return json.dumps({"products": products, "seconds": seconds, "bytes_added": added})


def _gaps_in_detail(rows: list[tuple], gaps: list[tuple]) -> list[tuple]:
    """Each business snapshot with its gap rows' cells added to its detail JSON."""
    by_snapshot: dict[int, list] = {}
    for assessment_id, *cells in gaps:
        by_snapshot.setdefault(assessment_id, []).append(cells)
    detail = 11  # the column's place in store_floor's columns
    out = []
    for row in rows:
        if row[0] in by_snapshot:
            body = json.loads(row[detail])
            body["gaps"] = by_snapshot[row[0]]
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            row = (*row[:detail], text, *row[detail + 1:])
        out.append(row)
    return out


def checks_only(csv_path: str) -> int:
    """exportkit's reading and cell checks of a file, as `enroll` does them, with no registry:
    the part of an import that no database work can take away."""
    from datetime import date

    from exportkit.ingest.enroll import EnrollOptions, plan_files
    from exportkit.ingest.readers import shape_problem
    from exportkit.ingest.validate import validate_row

    good = 0
    for sheet, plan in plan_files([Path(csv_path)], EnrollOptions(today=date.today())):
        for number, cells in sheet.read(None):
            _record, problems = validate_row(plan, sheet.source, number, cells)
            if shape_problem(sheet, number, cells) is None and not problems:
                good += 1
    return good


# -- measuring -------------------------------------------------------------------------------

class TreeRss:
    """The peak of the summed RSS of a process and all its descendants (worker processes
    too), sampled from /proc; 0 where there is no /proc. Also the peak of their summed PSS
    (smaps_rollup), which counts a page the processes share once, split between them: the
    RSS sum counts the interpreter's and libraries' pages in every process."""

    def __init__(self, pid: int):
        self.pid, self.peak_kib, self.peak_pss_kib = pid, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kib

    def _sample(self) -> None:
        # Reading every process's stat file costs: the tree is looked for once a second
        # (workers live long), its members' sizes read four times a second.
        page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
        tree, tick = {self.pid}, 0
        while not self._stop.wait(0.25):
            if tick % 4 == 0:
                tree = self._tree()
            tick += 1
            total = pss = 0
            for pid in tree:
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page_kib
                    pss += _pss_kib(pid)
                except (OSError, ValueError, IndexError):
                    continue
            self.peak_kib = max(self.peak_kib, total)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)

    def _tree(self) -> set[int]:
        parents = {}
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (ValueError, OSError):
                    continue
        tree, grew = {self.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        return tree


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def measure(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """Runs cmd; wall time, the peak RSS of that process (os.wait4 rusage, KiB) and of it
    with its worker processes (sampled)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    # Linux carries the peak RSS of the image a process replaces across exec, and
    # subprocess forks (vforks) from this Python process: its own size would leak into the
    # child's ru_maxrss. /usr/bin/time forks from a tiny process, so %M is the command's own.
    rss_file = log.with_suffix(".rss")
    wrapped = [TIME, "-f", "%M", "-o", str(rss_file), *cmd] if TIME else cmd
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
        tree = TreeRss(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        tree_kib = tree.stop()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss
    if TIME:
        try:
            rss = int(rss_file.read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    # the tree holds /usr/bin/time too (about 2 MiB); a command shorter than a sample
    # counts as its own peak
    return {"cmd": cmd, "wall": wall, "rss_kib": rss, "tree_kib": max(tree_kib, rss),
            "tree_pss_kib": tree.peak_pss_kib,
            "rc": process.returncode,
            "user": usage.ru_utime, "sys": usage.ru_stime, "log": str(log)}


def tail(path: str, lines: int = 15) -> str:
    text = Path(path).read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


def shown(cmd: list[str]) -> str:
    parts = []
    for part in cmd:
        part = part.replace(str(ROOT) + "/", "")
        part = part.replace(str(BIN) + "/", "")
        if part == PY or part.endswith("/python") or part.endswith("/python3"):
            part = "python"
        parts.append(part if " " not in part and part else repr(part))
    return " ".join(parts)


# The steps the memory targets cover: every import (a re-import and PostgreSQL too: a
# re-import once kept every batch's values, 200 MiB at 3M) and scoring
MEMORY_STEPS = ("enroll_businesses", "enroll_products", "reenroll_products", "score",
                "pg_enroll", "pg_enroll_products", "pg_reenroll_products")


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = args.rows
        self.out = Path(args.out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.logs = self.out / f"logs-{self.rows}"
        self.files = {k: self.out / f"{k}-{self.rows}.csv"
                      for k in ("businesses", "products", "ekspor")}
        self.registry = self.out / f"registry-{self.rows}.db"
        self.results: dict[str, dict] = {}
        self.json_path = self.out / f"results-{self.rows}.json"
        if self.json_path.exists() and args.only:
            # keep earlier numbers of the steps not re-run
            self.results = json.loads(self.json_path.read_text()).get("results", {})
        self.generated = None

    def wanted(self, step: str) -> bool:
        if self.args.only:
            return step in self.args.only
        if step.startswith("pg_") and self.args.skip_postgres:
            return False
        if step.startswith("sqlite_utils") and self.args.skip_sqlite_utils:
            return False
        return True

    def record(self, step: str, result: dict, rows: int | None, what: str, floor: str | None,
               runs: list[float] | None = None) -> None:
        result.update(step=step, rows=rows, what=what, floor=floor, shown=shown(result["cmd"]))
        if runs:
            result["runs"] = runs
        self.results[step] = result
        rate = f"{rows / result['wall']:,.0f}/s" if rows else ""
        status = "" if result["rc"] == 0 else f"  EXIT {result['rc']}"
        print(f"  {step:<18} {result['wall']:8.2f} s  {rate:>12}  "
              f"{result['rss_kib'] / 1024:7.1f} MiB{status}", flush=True)
        if result["rc"] != 0:
            print(tail(result["log"]), flush=True)

    def run_step(self, step: str, cmd: list[str], rows: int | None, what: str,
                 floor: str | None = None, env: dict | None = None) -> dict:
        result = measure(cmd, self.logs / f"{step}.log", env)
        self.record(step, result, rows, what, floor)
        return result

    def median_step(self, step: str, cmd: list[str], times: int, what: str,
                    floor: str | None = None, env: dict | None = None) -> dict:
        results = [measure(cmd, self.logs / f"{step}.log", env) for _ in range(times)]
        return self.record_median(step, results, what, floor)

    def record_median(self, step: str, results: list[dict], what: str,
                      floor: str | None = None) -> dict:
        result = sorted(results, key=lambda r: r["wall"])[len(results) // 2]
        result["rss_kib"] = max(r["rss_kib"] for r in results)
        result["tree_kib"] = max(r.get("tree_kib", 0) for r in results)
        result["tree_pss_kib"] = max(r.get("tree_pss_kib", 0) for r in results)
        result["rc"] = max(r["rc"] for r in results)
        self.record(step, result, None, what, floor, runs=[r["wall"] for r in results])
        return result

    # -- steps ---------------------------------------------------------------------------

    def ensure_files(self) -> None:
        if self.wanted("generate") or not all(p.exists() for p in self.files.values()):
            print(f"generating {self.rows:,} businesses, {3 * self.rows:,} products, "
                  f"{self.rows // 10:,} export records into {self.out}", flush=True)
            self.generated = generate(self.rows, self.out)
            g = self.generated
            print(f"  generated in {g['seconds']:.1f} s: "
                  + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in g["bytes"].items()),
                  flush=True)

    def exportkit(self, *args: str) -> list[str]:
        return [EXPORTKIT, *args]

    def run(self) -> None:
        self.ensure_files()
        # Measured as installed: pip compiles a package's modules when it installs them. An
        # editable checkout is compiled on first import instead, or on every run where
        # PYTHONDONTWRITEBYTECODE is set (0.3 s of each command on the machine measured).
        subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "exportkit"), str(HERE)],
                       check=True)
        b, p, e = (str(self.files[k]) for k in ("businesses", "products", "ekspor"))
        n = self.rows
        db = str(self.registry)
        env = {"EXPORTKIT_LANG": "en", "COLUMNS": "200"}
        me = str(Path(__file__).resolve())
        print(f"measuring ({n:,} businesses)", flush=True)
        if self.wanted("floor"):
            self.run_step("floor", [PY, me, "_floor_sqlite", b, str(self.out / "floor.db"), ";"],
                          n, "floor: stdlib sqlite3 + csv, businesses")
        if self.wanted("floor_products"):
            self.run_step("floor_products",
                          [PY, me, "_floor_sqlite", p, str(self.out / "floor_p.db"), ","],
                          3 * n, "floor: stdlib sqlite3 + csv, products")
        schema_db = str(self.out / "schema_floor.db")
        if self.wanted("schema_floor"):
            subprocess.run([PY, me, "_new_registry", schema_db], check=True)
            self.run_step("schema_floor", [PY, me, "_schema_floor", b, schema_db, ";",
                                           "business"],
                          n, "floor with the registry's tables and indexes, no checks, "
                          "businesses", "floor")
        if self.wanted("schema_floor_products"):
            self.run_step("schema_floor_products", [PY, me, "_schema_floor", p, schema_db, ",",
                                                    "product"],
                          3 * n, "floor with the registry's tables and indexes, no checks, "
                          "products", "floor_products")
        if self.wanted("sqlite_utils"):
            target = self.out / "sqlite_utils.db"
            target.unlink(missing_ok=True)
            self.run_step("sqlite_utils",
                          [SQLITE_UTILS, "insert", str(target), "businesses", b, "--csv",
                           "--delimiter", ";"],
                          n, "sqlite-utils insert --csv (types detected, the 4.x default)",
                          "floor")
        if self.wanted("sqlite_utils_text"):
            target = self.out / "sqlite_utils_text.db"
            target.unlink(missing_ok=True)
            self.run_step("sqlite_utils_text",
                          [SQLITE_UTILS, "insert", str(target), "businesses", b, "--csv",
                           "--delimiter", ";", "--no-detect-types"],
                          n, "sqlite-utils insert --csv --no-detect-types (all TEXT)", "floor")
        if self.wanted("checks_only"):
            self.run_step("checks_only", [PY, me, "_checks_only", b], n,
                          "exportkit reading + cell checks only, no registry (businesses)",
                          "floor", env)
        if self.wanted("enroll_businesses"):
            for suffix in ("", "-wal", "-shm"):
                Path(db + suffix).unlink(missing_ok=True)
            self.run_step("enroll_businesses", self.exportkit("enroll", b, "--db", db),
                          n, "exportkit enroll businesses (fresh SQLite registry)", "floor",
                          env)
        if self.wanted("enroll_products"):
            self.run_step("enroll_products", self.exportkit("enroll", p, "--db", db),
                          3 * n, "exportkit enroll products (3 per business)",
                          "floor_products", env)
        if self.wanted("enroll_exports"):
            self.run_step("enroll_exports", self.exportkit("enroll", e, "--db", db),
                          n // 10, "exportkit enroll export records", None, env)
        if self.wanted("reenroll_products"):
            # an office imports its updated sheet again: every row matched, none changed
            self.reenroll_step("reenroll_products", p, db, n, "exportkit enroll products "
                               "again (all unchanged)", env)
        if self.wanted("score"):
            if self.args.score_regency:
                # at large scales: only one regency's products (the shortlist reads those)
                with sqlite3.connect(db) as connection:
                    scope = connection.execute(
                        "SELECT count(*) FROM product JOIN business ON business.id = "
                        "product.business_id WHERE lower(business.regency) LIKE ?",
                        (f"%{self.args.score_regency.lower()}%",)).fetchone()[0]
                self.run_step("score", self.exportkit(
                    "score", "--regency", self.args.score_regency, "--db", db), scope,
                    f"exportkit score --regency {self.args.score_regency} (scored and "
                    "stored)", None, env)
            else:
                store_floor_db = self.out / "store_floor.db"
                if self.wanted("store_floor"):
                    # the registry as scoring finds it, for the storing floor to write into
                    copy_registry(db, store_floor_db)
                self.run_step("score", self.exportkit("score", "--all", "--db", db),
                              3 * n, "exportkit score --all (products scored and stored)",
                              "store_floor" if self.wanted("store_floor") else None, env)
                if self.wanted("store_floor"):
                    self.store_floor_step(db, str(store_floor_db), me)
        if self.wanted("store_floor") and (self.args.score_regency or not self.wanted("score")):
            print("  store_floor: skipped (it needs score --all in the same run)", flush=True)
        if self.wanted("shortlist"):
            self.median_step("shortlist", self.exportkit(
                "report", "shortlist", "--top", "25", "--regency",
                self.args.score_regency or READ_REGENCY, "--db", db),
                READS, f"exportkit report shortlist --top 25 --regency (median of {READS})", None, env)
        if self.wanted("exports_report"):
            self.median_step("exports_report", self.exportkit(
                "report", "exports", "--by", "year", "--db", db),
                READS, f"exportkit report exports --by year (median of {READS})", None, env)
        if self.wanted("list_businesses"):
            self.median_step("list_businesses", self.exportkit(
                "list", "businesses", "--regency", READ_REGENCY, "--limit", "50", "--db", db),
                READS, f"exportkit list businesses --regency --limit 50 (median of {READS})", None, env)
        if self.wanted("gaps_file"):
            # a report file of every row: the gaps' detail, a few rows a business
            gaps_csv = self.out / "gaps.csv"
            result = self.run_step("gaps_file", self.exportkit(
                "report", "gaps", "--format", "csv", "-o", str(gaps_csv), "--db", db), None,
                "exportkit report gaps --format csv -o FILE (every detail row)", None, env)
            if result["rc"] == 0:
                result["rows"] = _detail_rows(gaps_csv)
                gaps_csv.unlink()
        if self.wanted("startup"):
            bare = str(HERE / "bare_typer_app.py")
            for flag in ("help", "version"):
                # taken in turns, so a change in the machine's load hits both alike
                mine, theirs = [], []
                for _ in range(10):
                    theirs.append(measure([PY, bare, f"--{flag}"],
                                          self.logs / f"bare_{flag}.log"))
                    mine.append(measure(self.exportkit(f"--{flag}"),
                                        self.logs / f"startup_{flag}.log", env))
                self.record_median(f"bare_{flag}", theirs,
                                   f"bare typer app --{flag} (median of 10)")
                self.record_median(f"startup_{flag}", mine,
                                   f"exportkit --{flag} (median of 10, in turns with the "
                                   f"bare app)", f"bare_{flag}")
        if any(self.wanted(step) for step in STEPS if step.startswith("pg_")):
            self.postgres(b, p, n, env)

    def store_floor_step(self, db: str, copy: str, me: str) -> None:
        """The storing floor's process, timed by its own count of the writes (it reads the
        rows it writes, which storing does not do)."""
        result = measure([PY, me, "_store_floor", db, copy], self.logs / "store_floor.log")
        rows = None
        if result["rc"] == 0:
            try:
                written = json.loads(Path(result["log"]).read_text().splitlines()[-1])
                result["process_wall"], result["wall"] = result["wall"], written["seconds"]
                rows = written["products"]
            except (ValueError, KeyError, IndexError) as exc:
                print(f"  store_floor: unreadable output: {exc}", flush=True)
                result["rc"] = "unreadable"
        self.record("store_floor", result, rows, "floor: storing score --all's rows, stdlib "
                    "sqlite3 into the registry's tables (the writes timed, no scoring)", None)

    def reenroll_step(self, step: str, products: str, db: str, n: int, what: str,
                      env: dict) -> None:
        """The products file imported again: measured only if every row was found unchanged
        (else the step measured another thing, and its exit code says so)."""
        result = measure(self.exportkit("enroll", products, "--db", db, "--json"),
                         self.logs / f"{step}.log", env)
        if result["rc"] == 0:
            try:
                counts = json.loads(Path(result["log"]).read_text())["totals"]["product"]
            except (ValueError, KeyError) as exc:
                counts = {"unreadable": str(exc)}
            if counts.get("unchanged") != 3 * n or counts.get("added") or counts.get("updated"):
                print(f"  {step}: not all unchanged: {counts}", flush=True)
                result["rc"] = "changed"
        self.record(step, result, 3 * n, what, None)

    def postgres(self, b: str, p: str, n: int, env: dict) -> None:
        try:
            import psycopg
        except ImportError:
            print("  psycopg is not installed: PostgreSQL steps skipped", flush=True)
            return
        name = f"exportkit_bench_{os.getpid()}"
        try:
            admin = psycopg.connect(f"{PG_BASE}/postgres", autocommit=True)
        except psycopg.OperationalError as exc:
            print(f"  PostgreSQL not reachable at {PG_BASE} ({exc}): skipped", flush=True)
            return
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
            if self.wanted("pg_floor"):
                self.run_step("pg_floor", [PY, str(Path(__file__).resolve()), "_floor_pg", b,
                                           f"{PG_BASE}/{name}", ";"],
                              n, "floor: PostgreSQL COPY (psycopg cursor.copy), businesses")
            url = f"{PG_BASE.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
            if self.wanted("pg_enroll"):
                self.run_step("pg_enroll", self.exportkit("enroll", b, "--db", url), n,
                              "exportkit enroll businesses into PostgreSQL", "pg_floor", env)
            if self.wanted("pg_enroll_products"):
                self.run_step("pg_enroll_products", self.exportkit("enroll", p, "--db", url),
                              3 * n, "exportkit enroll products into PostgreSQL", None, env)
            if self.wanted("pg_reenroll_products"):
                self.reenroll_step("pg_reenroll_products", p, url, n, "exportkit enroll "
                                   "products into PostgreSQL again (all unchanged)", env)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

    # -- report --------------------------------------------------------------------------

    def table(self) -> str:
        lines = ["| step | rows | wall s | rows/s | peak RSS MiB | all processes MiB "
                 "| all processes PSS MiB | x floor | exit |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in self.results.values():
            floor = self.results.get(r.get("floor") or "")
            ratio = f"{r['wall'] / floor['wall']:.2f}x {r['floor']}" if floor else ""
            rate = f"{r['rows'] / r['wall']:,.0f}" if r.get("rows") else ""
            rows = f"{r['rows']:,}" if r.get("rows") else ""
            # a command shorter than a sample has no PSS measured
            pss = f"{r['tree_pss_kib'] / 1024:.1f}" if r.get("tree_pss_kib") else ""
            lines.append(f"| {r['what']} | {rows} | {r['wall']:.3f} | {rate} | "
                         f"{r['rss_kib'] / 1024:.1f} | {r.get('tree_kib', 0) / 1024:.1f} | "
                         f"{pss} | {ratio} | {r['rc']} |")
        return "\n".join(lines)

    def targets(self) -> str:
        r = self.results
        rows = []

        def add(target: str, measured: str | None, met: bool | None) -> None:
            verdict = "n/a" if met is None else ("met" if met else "NOT met")
            rows.append(f"| {target} | {measured or 'not measured'} | {verdict} |")

        def ok(step):
            return step in r and r[step]["rc"] == 0

        if ok("enroll_businesses") and ok("floor"):
            x = r["enroll_businesses"]["wall"] / r["floor"]["wall"]
            add("enroll businesses <= 2.0x the floor", f"{x:.1f}x", x <= 2.0)
        else:
            add("enroll businesses <= 2.0x the floor", None, None)
        measured = [s for s in MEMORY_STEPS if ok(s)]
        if measured:
            for what, key in (("each process", "rss_kib"),
                              ("with their worker processes", "tree_kib"),
                              ("with their worker processes, shared pages counted once (PSS)",
                               "tree_pss_kib")):
                # (results kept from a run before the PSS was sampled have none)
                peaks = {s: r[s][key] / 1024 for s in measured if r[s].get(key)}
                add(f"peak memory <= 150 MiB (enroll, score), {what}",
                    ", ".join(f"{s} {p:.0f}" for s, p in peaks.items()) + " MiB"
                    if peaks else None, max(peaks.values()) <= 150 if peaks else None)
        else:
            add("peak memory <= 150 MiB (enroll, score)", None, None)
        other = self.out / f"results-{100_000 if self.rows != 100_000 else 1_000_000}.json"
        if self.rows != 100_000 and other.exists() and ok("enroll_businesses"):
            small = json.loads(other.read_text())["results"]
            pairs = [(s, r[s]["rss_kib"] / small[s]["rss_kib"]) for s in MEMORY_STEPS
                     if ok(s) and s in small and small[s]["rc"] == 0]
            add(f"memory flat: {self.rows:,}-row run within 1.2x of the 100,000-row run",
                ", ".join(f"{s} {x:.2f}x" for s, x in pairs), all(x <= 1.2 for _, x in pairs))
        else:
            add("memory flat (1M run within 1.2x of the 100k run)",
                "needs both runs; see the 1M table", None)
        if ok("enroll_products") and ok("enroll_businesses"):
            pb = r["enroll_businesses"]["rows"] / r["enroll_businesses"]["wall"]
            pp = r["enroll_products"]["rows"] / r["enroll_products"]["wall"]
            add("products enrolled at the businesses' rows/s within 20%",
                f"{pp:,.0f} vs {pb:,.0f} rows/s ({pp / pb - 1:+.0%})", pp >= 0.8 * pb)
        else:
            add("products enrolled at the businesses' rows/s within 20%", None, None)
        if ok("score"):
            rate = r["score"]["rows"] / r["score"]["wall"]
            floor = ""
            if ok("store_floor"):
                floor = (f" (storing the same rows alone, stdlib: "
                         f"{r['store_floor']['rows'] / r['store_floor']['wall']:,.0f}/s)")
            add("scoring >= 50,000 products/s, storing included", f"{rate:,.0f}/s{floor}",
                rate >= 50_000)
        else:
            add("scoring >= 50,000 products/s, storing included", None, None)
        for step, label in (("shortlist", "report shortlist"), ("exports_report",
                            "report exports --by year"), ("list_businesses", "list businesses")):
            if ok(step):
                add(f"{label} <= 1 s", f"{r[step]['wall']:.2f} s", r[step]["wall"] <= 1.0)
            else:
                add(f"{label} <= 1 s", None, None)
        for step, bare, label in (("startup_help", "bare_help", "--help"),
                                  ("startup_version", "bare_version", "--version")):
            if ok(step) and ok(bare):
                x = r[step]["wall"] / r[bare]["wall"]
                add(f"start-up {label} within 1.3x of a bare typer app",
                    f"{r[step]['wall'] * 1000:.0f} ms vs {r[bare]['wall'] * 1000:.0f} ms "
                    f"({x:.2f}x)", x <= 1.3)
            else:
                add(f"start-up {label} within 1.3x of a bare typer app", None, None)
        if ok("gaps_file"):
            add("(no target) report gaps written to a CSV file, every detail row",
                f"{r['gaps_file']['rows']:,} rows in {r['gaps_file']['wall']:.1f} s, peak "
                f"{r['gaps_file']['rss_kib'] / 1024:.0f} MiB", None)
        if ok("pg_enroll") and ok("pg_floor"):
            x = r["pg_enroll"]["wall"] / r["pg_floor"]["wall"]
            add("(no target) PostgreSQL enroll vs COPY", f"{x:.1f}x", None)
        for again, first, where in (("reenroll_products", "enroll_products", "SQLite"),
                                    ("pg_reenroll_products", "pg_enroll_products",
                                     "PostgreSQL")):
            if ok(again) and ok(first):
                add(f"(no target) products imported again, unchanged, vs first ({where})",
                    f"{r[again]['wall']:.1f} s vs {r[first]['wall']:.1f} s "
                    f"({r[again]['wall'] / r[first]['wall']:.2f}x)", None)
        return ("| target | measured | verdict |\n|---|---|---|\n" + "\n".join(rows))

    def write(self) -> str:
        header = (f"## {self.rows:,} businesses, {3 * self.rows:,} products, "
                  f"{self.rows // 10:,} export records\n\n"
                  f"{date.today().isoformat()}, {machine()}\n")
        if self.generated:
            header += (f"\nGenerated in {self.generated['seconds']:.1f} s ("
                       + ", ".join(f"{k} {v / 2**20:.0f} MiB"
                                   for k, v in self.generated["bytes"].items()) + ")\n")
        commands = "\n".join(f"- `{r['step']}`: `{r['shown']}`" for r in self.results.values())
        text = (f"{header}\n{self.table()}\n\n### Targets\n\n{self.targets()}\n\n"
                f"### Commands\n\n{commands}\n")
        (self.out / f"results-{self.rows}.md").write_text(text)
        self.json_path.write_text(json.dumps(
            {"rows": self.rows, "date": date.today().isoformat(), "machine": machine(),
             "generated": self.generated, "results": self.results}, indent=1, default=str))
        return text

    def cleanup(self) -> None:
        if self.args.keep:
            return
        for path in [*self.files.values(), self.registry, self.out / "floor.db",
                     self.out / "floor_p.db", self.out / "schema_floor.db",
                     self.out / "store_floor.db",
                     self.out / "sqlite_utils.db",
                     self.out / "sqlite_utils_text.db"]:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal"))
        ram = f"{mem / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration):
        ram = ""
    return (f"{os.cpu_count()} CPUs ({model}), {ram}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_floor_sqlite":
        print(floor_sqlite(*argv[1:4]), "rows")
        return 0
    if argv and argv[0] == "_new_registry":
        new_registry(argv[1])
        return 0
    if argv and argv[0] == "_schema_floor":
        print(schema_floor(*argv[1:5]), "rows")
        return 0
    if argv and argv[0] == "_store_floor":
        print(store_floor(*argv[1:4]))
        return 0
    if argv and argv[0] == "_checks_only":
        print(checks_only(argv[1]), "rows passed")
        return 0
    if argv and argv[0] == "_floor_pg":
        print(floor_postgres(*argv[1:4]), "rows")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="businesses (products: 3x)")
    parser.add_argument("--out", default=str(HERE / "out"), help="work folder")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite-utils", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and DBs")
    parser.add_argument("--score-regency", metavar="NAME",
                        help="score only this regency's products instead of --all (for "
                             "large runs where scoring everything takes hours)")
    parser.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",") if x.strip()],
                        help="comma-separated steps: " + ", ".join(STEPS))
    args = parser.parse_args(argv)
    if args.only and (unknown := set(args.only) - set(STEPS)):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    for step in reversed(list(PG_NEEDS)):  # the later first, so a chain is followed
        if args.only and step in args.only and PG_NEEDS[step] not in args.only:
            args.only.append(PG_NEEDS[step])
    if not args.skip_sqlite_utils and shutil.which(SQLITE_UTILS) is None:
        print("sqlite-utils not found (pip install sqlite-utils): skipped", flush=True)
        args.skip_sqlite_utils = True
    bench = Bench(args)
    try:
        bench.run()
    finally:
        text = bench.write()
        bench.cleanup()
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
