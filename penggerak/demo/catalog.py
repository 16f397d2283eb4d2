"""Reference tables for the demo: where UMKM are, what they make, who partners with them.

Figures are rounded estimates chosen to look like the movement in 2020, not statistics to
quote. KBLI codes are KBLI 2020 five-digit codes matching each product.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    """A province's share of members, a rough business centre and its naming mix."""

    code: str
    share: float
    latitude: float
    longitude: float
    # Half-width of the square (degrees) business coordinates are spread over.
    spread: float
    flavours: tuple[tuple[str, float], ...]


def _mix(**percent: int) -> tuple[tuple[str, float], ...]:
    """A naming mix from percentages: ``_mix(javanese=90, general=10)``."""
    return tuple((flavour, share / 100) for flavour, share in percent.items())


# Java holds about 60% of members (it holds about 60% of Indonesia's UMKM); the movement began
# in Jakarta, so DKI has by far the largest share for its size.
# code: (member share, latitude, longitude, spread), coordinates near the main business area.
_PLACES = {
    "11": (0.012, 5.0, 96.4, 0.6),
    "12": (0.050, 3.2, 98.9, 0.7),
    "13": (0.030, -0.8, 100.5, 0.5),
    "14": (0.025, 0.5, 101.45, 0.6),
    "15": (0.010, -1.6, 103.6, 0.5),
    "16": (0.030, -3.0, 104.75, 0.7),
    "17": (0.005, -3.8, 102.3, 0.4),
    "18": (0.030, -5.2, 105.3, 0.5),
    "19": (0.005, -2.1, 106.1, 0.4),
    "21": (0.007, 1.05, 104.05, 0.2),
    "31": (0.200, -6.2, 106.83, 0.08),
    "32": (0.160, -6.85, 107.4, 0.5),
    "33": (0.085, -7.15, 110.2, 0.6),
    "34": (0.020, -7.8, 110.37, 0.15),
    "35": (0.090, -7.5, 112.5, 0.8),
    "36": (0.050, -6.25, 106.3, 0.3),
    "51": (0.020, -8.55, 115.15, 0.2),
    "52": (0.015, -8.6, 116.6, 0.4),
    "53": (0.010, -9.8, 124.0, 1.0),
    "61": (0.012, -0.05, 109.35, 0.6),
    "62": (0.006, -2.2, 113.9, 0.5),
    "63": (0.012, -3.3, 114.8, 0.4),
    "64": (0.014, -0.5, 117.15, 0.5),
    "65": (0.003, 3.3, 117.6, 0.3),
    "71": (0.012, 1.45, 124.85, 0.3),
    "72": (0.010, -0.9, 119.87, 0.4),
    "73": (0.040, -5.15, 119.45, 0.4),
    "74": (0.008, -3.99, 122.5, 0.4),
    "75": (0.005, 0.55, 123.05, 0.2),
    "76": (0.004, -2.68, 118.9, 0.3),
    "81": (0.005, -3.7, 128.18, 0.2),
    "82": (0.003, 0.78, 127.38, 0.2),
    "91": (0.004, -2.55, 140.7, 0.2),
    "92": (0.003, -0.87, 134.08, 0.2),
    # The four provinces formed from Papua in 2022 (national preset only; okoce-2020 predates
    # them and lists its 34 provinces explicitly).
    "93": (0.002, -8.49, 140.4, 0.3),
    "94": (0.002, -3.37, 135.5, 0.3),
    "95": (0.001, -4.09, 138.95, 0.2),
    "96": (0.002, -0.88, 131.25, 0.2),
}  # fmt: skip
# code: how people there are named (percent per flavour, see names.FLAVOURS).
_NAMING = {
    "11": _mix(aceh=90, general=10),
    "12": _mix(batak=45, melayu=25, javanese=15, chinese=5, general=10),
    "13": _mix(minang=92, general=8),
    "14": _mix(melayu=45, minang=20, javanese=15, batak=10, chinese=5, general=5),
    "15": _mix(melayu=55, javanese=25, minang=10, general=10),
    "16": _mix(melayu=60, javanese=25, chinese=5, general=10),
    "17": _mix(melayu=60, javanese=20, minang=10, general=10),
    "18": _mix(javanese=55, melayu=20, sundanese=10, general=15),
    "19": _mix(melayu=65, chinese=25, general=10),
    "21": _mix(melayu=50, javanese=15, batak=10, chinese=15, general=10),
    "31": _mix(betawi=25, javanese=30, sundanese=15, general=15, batak=5, chinese=5, minang=5),
    "32": _mix(sundanese=78, javanese=8, betawi=6, general=8),
    "33": _mix(javanese=93, general=5, chinese=2),
    "34": _mix(javanese=95, general=5),
    "35": _mix(javanese=80, madura=12, general=6, chinese=2),
    "36": _mix(sundanese=45, betawi=15, javanese=15, general=25),
    "51": _mix(bali=85, javanese=10, general=5),
    "52": _mix(sasak=75, general=25),
    "53": _mix(ntt=88, general=12),
    "61": _mix(melayu=45, christian=25, chinese=20, javanese=10),
    "62": _mix(banjar=35, christian=30, javanese=25, general=10),
    "63": _mix(banjar=85, javanese=10, general=5),
    "64": _mix(banjar=30, bugis=25, javanese=30, general=15),
    "65": _mix(bugis=40, general=30, christian=15, javanese=15),
    "71": _mix(manado=85, general=15),
    "72": _mix(bugis=35, general=50, christian=15),
    "73": _mix(bugis=90, general=10),
    "74": _mix(bugis=40, general=60),
    "75": _mix(general=90, bugis=10),
    "76": _mix(bugis=60, general=40),
    "81": _mix(maluku=75, general=25),
    "82": _mix(maluku=40, general=60),
    "91": _mix(papua=50, general=20, javanese=15, bugis=15),
    "92": _mix(papua=55, general=20, javanese=10, bugis=15),
    "93": _mix(papua=50, general=20, javanese=20, bugis=10),
    "94": _mix(papua=60, general=20, javanese=10, bugis=10),
    "95": _mix(papua=80, general=15, javanese=5),
    "96": _mix(papua=50, general=25, javanese=10, bugis=15),
}  # fmt: skip
PROVINCES: tuple[Province, ...] = tuple(
    Province(code, share, lat, lon, spread, _NAMING[code])
    for code, (share, lat, lon, spread) in _PLACES.items()
)

PROVINCE_BY_CODE = {province.code: province for province in PROVINCES}
# The 34 provinces before the 2022 Papua split (okoce-2020 places communities only there).
PROVINCES_2020: tuple[str, ...] = tuple(p.code for p in PROVINCES if p.code < "93")
JAVA = frozenset({"31", "32", "33", "34", "35", "36"})

# Counts per step (1-7) in one real programme: the demo funnel follows their proportions.
FUNNEL_2020 = (284_164, 176_891, 157_498, 148_374, 44_456, 32_883, 6_159)


@dataclass(frozen=True)
class Product:
    """Something a member's business makes or does, with its KBLI 2020 code."""

    label: str
    kbli: str


@dataclass(frozen=True)
class Sector:
    """A Business.Sector with its share of businesses, products and name prefixes."""

    code: str
    share: float
    products: tuple[Product, ...]
    prefixes: tuple[str, ...]


def _p(*pairs: tuple[str, str]) -> tuple[Product, ...]:
    """Products from (label, KBLI) pairs."""
    return tuple(Product(label, kbli) for label, kbli in pairs)


SECTORS: tuple[Sector, ...] = (
    Sector("food", 0.42, _p(
        ("Keripik Singkong", "10794"), ("Keripik Pisang", "10794"), ("Keripik Tempe", "10794"),
        ("Kerupuk Ikan", "10794"), ("Rempeyek Kacang", "10794"), ("Basreng", "10794"),
        ("Makaroni Pedas", "10794"), ("Emping Melinjo", "10794"), ("Kerupuk Kulit", "10794"),
        ("Kue Kering", "10710"), ("Roti Manis", "10710"), ("Brownies", "10710"),
        ("Bolu Pandan", "10710"), ("Lapis Legit", "10710"), ("Nastar", "10710"),
        ("Kue Basah", "10792"), ("Klepon", "10792"), ("Kue Lapis", "10792"), ("Serabi", "10792"),
        ("Dodol", "10796"), ("Sambal Bawang", "10772"), ("Sambal Roa", "10772"),
        ("Bumbu Pecel", "10772"), ("Bumbu Rendang", "10772"), ("Abon Sapi", "10130"),
        ("Dendeng Balado", "10130"), ("Rendang Kemasan", "10130"), ("Frozen Food", "10750"),
        ("Dimsum", "10750"), ("Pempek", "10750"), ("Cokelat Praline", "10732"),
        ("Manisan Buah", "10733"), ("Selai Nanas", "10799"), ("Catering", "56210"),
        ("Nasi Box", "56210"), ("Warung Makan", "56102"), ("Nasi Uduk", "56102"),
        ("Bakso", "56102"), ("Mie Ayam", "56102"), ("Martabak", "56104"), ("Cilok", "56104"),
        ("Gorengan", "56104"), ("Seblak", "56103"), ("Ayam Geprek", "56103"),
    ), ("Dapur", "Pawon", "Rumah Kue", "Warung")),
    Sector("beverage", 0.09, _p(
        ("Kopi Bubuk", "10761"), ("Kopi Susu", "56304"), ("Teh Herbal", "10762"),
        ("Wedang Uwuh", "10762"), ("Jahe Instan", "10762"), ("Jamu Kunyit Asam", "11090"),
        ("Jamu Beras Kencur", "11090"), ("Sari Kedelai", "11090"), ("Es Teh", "56304"),
        ("Minuman Boba", "56304"), ("Sirup Markisa", "10723"), ("Teh Tubruk", "10763"),
        ("Air Minum Isi Ulang", "11052"), ("Minuman Sari Buah", "11040"),
    ), ("Kedai", "Depot", "Dapur")),
    Sector("fashion", 0.12, _p(
        ("Batik Tulis", "13134"), ("Batik Cap", "13134"), ("Tenun Ikat", "13122"),
        ("Songket", "13121"), ("Konveksi", "14111"), ("Kaos Sablon", "14111"),
        ("Gamis", "14111"), ("Hijab", "14111"), ("Mukena", "14111"), ("Masker Kain", "14111"),
        ("Bordir", "14302"), ("Sulaman", "13912"), ("Tas Kulit", "15121"),
    ), ("Butik", "Griya", "Galeri")),
    Sector("craft", 0.06, _p(
        ("Anyaman Pandan", "16292"), ("Kerajinan Eceng Gondok", "16292"),
        ("Kerajinan Bambu", "16299"), ("Kerajinan Rotan", "16299"), ("Ukiran Kayu", "16293"),
        ("Alat Dapur Kayu", "16294"), ("Gerabah", "23932"), ("Keramik Hias", "23939"),
        ("Kerajinan Kulit", "15121"), ("Cobek Batu", "23963"),
    ), ("Galeri", "Sanggar", "Rumah")),
    Sector("cosmetics", 0.03, _p(
        ("Sabun Herbal", "20231"), ("Hand Sanitizer", "20231"), ("Sabun Cuci Piring", "20231"),
        ("Lulur", "20232"), ("Body Scrub", "20232"), ("Masker Wajah", "20232"),
        ("Minyak Rambut", "20232"), ("Minyak Atsiri", "20294"),
    ), ("Rumah", "Griya")),
    Sector("agriculture", 0.04, _p(
        ("Sayur Hidroponik", "01131"), ("Jamur Tiram", "01136"), ("Cabai", "01283"),
        ("Tanaman Hias", "01301"), ("Bibit Buah", "01302"), ("Buah Naga", "01220"),
        ("Kopi Petik Merah", "01270"), ("Jahe Merah", "01285"), ("Melon", "01133"),
    ), ("Kebun", "Tani")),
    Sector("fishery", 0.025, _p(
        ("Budidaya Lele", "03221"), ("Budidaya Nila", "03221"), ("Ikan Cupang", "03225"),
        ("Benih Ikan", "03226"), ("Rumput Laut", "03217"), ("Udang Vaname", "03254"),
        ("Ikan Beku", "10213"),
    ), ("Mina", "Kolam")),
    Sector("livestock", 0.03, _p(
        ("Ayam Kampung", "01464"), ("Telur Ayam", "01462"), ("Bebek", "01465"),
        ("Puyuh", "01466"), ("Kambing", "01442"), ("Susu Kambing Etawa", "01443"),
        ("Sapi", "01411"), ("Madu Lebah", "01493"), ("Kelinci", "01495"),
        ("Maggot", "01499"),
    ), ("Ternak", "Peternakan")),
    Sector("retail", 0.10, _p(
        ("Sembako", "47112"), ("Kelontong", "47112"), ("Agen Gas", "47772"),
        ("Pulsa dan Aksesoris HP", "47414"), ("Pakaian", "47711"), ("Bahan Bangunan", "47528"),
        ("Sayur Keliling", "47813"), ("Kue dan Jajanan", "47242"), ("Buah Segar", "47212"),
        ("Ikan Segar", "47215"), ("Bunga", "47761"), ("Alat Tulis", "47611"),
        ("Kosmetik", "47724"), ("Tas dan Dompet", "47714"),
    ), ("Toko", "Warung", "Kios")),
    Sector("services", 0.06, _p(
        ("Laundry Kiloan", "96200"), ("Salon Kecantikan", "96112"), ("Pangkas Rambut", "96111"),
        ("Penjahit", "95291"), ("Servis HP", "95120"), ("Servis Elektronik", "95210"),
        ("Percetakan", "18111"), ("Rias Pengantin", "96990"), ("Bengkel Motor", "45405"),
        ("Kurir", "53201"), ("Sewa Alat Pesta", "77291"),
    ), ("Jasa", "Rumah")),
    Sector("digital", 0.02, _p(
        ("Desain Grafis", "74130"), ("Fotografi", "74201"), ("Produksi Video", "59112"),
        ("Jasa Iklan Digital", "73100"), ("Toko Online Makanan", "47911"),
        ("Toko Online Fesyen", "47912"), ("Aplikasi Niaga", "62012"),
    ), ("Studio", "Kreasi")),
    Sector("other", 0.005, _p(
        ("Bank Sampah", "38302"), ("Kompos", "38212"), ("Pupuk Organik", "20121"),
        ("Kolam Pemancingan", "93233"),
    ), ("Rumah", "Usaha")),
)  # fmt: skip

BLESSINGS = (
    "Barokah", "Berkah", "Berkah Jaya", "Lestari", "Jaya Abadi", "Makmur", "Sejahtera",
    "Mandiri", "Sentosa", "Rezeki", "Rizki Abadi", "Amanah", "Sari Rasa", "Nikmat", "Mantap",
    "Sehati", "Bersama", "Sumber Rejeki", "Maju Jaya", "Cahaya", "Mekar Sari", "Harapan",
    "Nusantara", "Citra", "Annisa", "Al-Ikhlas", "Mulia", "Bunda", "Family", "Kita",
)  # fmt: skip

# Mobile prefixes (after the leading 0) by operator, weighted roughly by subscribers.
PHONE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("811", 0.05), ("812", 0.12), ("813", 0.10), ("821", 0.08), ("822", 0.07), ("823", 0.04),
    ("851", 0.02), ("852", 0.06), ("853", 0.03),  # Telkomsel
    ("814", 0.01), ("815", 0.02), ("816", 0.02), ("855", 0.02), ("856", 0.05), ("857", 0.05),
    ("858", 0.02),  # Indosat
    ("817", 0.03), ("818", 0.02), ("819", 0.03), ("859", 0.02), ("877", 0.03), ("878", 0.04),
    # XL
    ("831", 0.01), ("832", 0.01), ("833", 0.005), ("838", 0.01),  # Axis
    ("895", 0.01), ("896", 0.02), ("897", 0.01), ("898", 0.01), ("899", 0.01),  # Tri
    ("881", 0.005), ("882", 0.005), ("883", 0.003), ("887", 0.003), ("888", 0.003),
    ("889", 0.002),  # Smartfren
)  # fmt: skip
# Subscriber digits after the prefix: most numbers are 08xx-xxxx-xxxx.
PHONE_LENGTHS: tuple[tuple[int, float], ...] = ((8, 0.8), (7, 0.15), (9, 0.05))

EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 0.72), ("yahoo.com", 0.1), ("yahoo.co.id", 0.06), ("ymail.com", 0.02),
    ("hotmail.com", 0.03), ("outlook.com", 0.03), ("icloud.com", 0.01), ("rocketmail.com", 0.01),
    ("live.com", 0.02),
)  # fmt: skip

STREETS = (
    "Melati", "Mawar", "Kenanga", "Anggrek", "Merdeka", "Sudirman", "Diponegoro",
    "Gatot Subroto", "Ahmad Yani", "Pahlawan", "Veteran", "Masjid", "Pasar", "Kartini",
    "Cempaka", "Flamboyan", "Dahlia", "Teratai", "Nangka", "Rambutan", "Mangga", "Kelapa",
    "Pemuda", "Pramuka", "Kemuning", "Sukajadi", "Siliwangi", "Hasanuddin", "Imam Bonjol",
    "Cendrawasih", "Rajawali", "Kutilang", "Perintis", "Swadaya", "Gotong Royong",
)  # fmt: skip

COMMUNITY_PATTERNS = (
    "Komunitas Penggerak {place}", "Penggerak UMKM {place}", "Komunitas UMKM {place} {word}",
    "Sahabat UMKM {place}", "Wirausaha {place} {word}", "Paguyuban Usaha {place}",
    "Kampung UMKM {place}", "Gerakan Usaha {place} {word}", "Rumah UMKM {place}",
)  # fmt: skip
COMMUNITY_WORDS = (
    "Berdaya", "Bangkit", "Maju", "Mandiri", "Juara", "Hebat", "Sejahtera", "Berkah", "Kreatif",
    "Bersatu",
)  # fmt: skip

# Private partners: kinds and their share of the 71 (2020). Names are invented on purpose, so
# the demo never suggests that a real company signed an agreement.
PRIVATE_PARTNER_MIX: tuple[tuple[str, int], ...] = (
    ("company", 24), ("foundation", 12), ("university", 12), ("bank", 9),
    ("cooperative", 8), ("bumn", 6),
)  # fmt: skip
_BUSINESSLIKE = (
    "Artha", "Dana", "Mitra", "Surya", "Bina", "Karya", "Sinar", "Prima", "Graha", "Bumi",
)  # fmt: skip
_PROSPEROUS = (
    "Makmur", "Sejahtera", "Mandiri", "Sentosa", "Abadi", "Utama", "Kencana", "Lestari", "Niaga",
    "Raya",
)  # fmt: skip


@dataclass(frozen=True)
class PartnerNames:
    """How organisations of one kind are named: forms filled with a word from each pool."""

    forms: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...]


PARTNER_NAMES: dict[str, PartnerNames] = {
    "company": PartnerNames(
        ("PT {a} {b} Indonesia", "PT {a} {b} Persada", "PT {a} {b} Utama", "PT {a} {b}"),
        ("Nusantara", "Mitra", "Cipta", "Karya", "Sinar", "Bintang", "Garuda", "Samudra",
         "Tunas", "Mega", "Prima", "Daya", "Graha", "Cahaya", "Lintas", "Surya", "Sentra"),
        ("Niaga", "Digital", "Logistik", "Pangan", "Kreasi", "Teknologi", "Sejahtera", "Abadi",
         "Solusi", "Media", "Retail", "Agro", "Kencana", "Makmur", "Perkasa"),
    ),
    "foundation": PartnerNames(
        ("Yayasan {a} {b}", "Yayasan {a} Wirausaha {b}", "Yayasan Pemberdayaan Perempuan {b}"),
        ("Cahaya", "Pelita", "Lentera", "Tunas", "Insan", "Bina", "Rumah", "Sahabat", "Amal"),
        ("Mandiri", "Bangsa", "Nusantara", "Umat", "Sejahtera", "Berdaya", "Kasih", "Harapan",
         "Madani", "Lestari"),
    ),
    "university": PartnerNames(
        ("Universitas {a} {b}", "Institut Bisnis {a} {b}", "Politeknik {a} {b}",
         "Sekolah Tinggi Ilmu Ekonomi {a} {b}"),
        ("Cendekia", "Wirausaha", "Bina", "Tunas", "Pelita", "Mitra", "Surya", "Widya", "Karya",
         "Nusa"),
        ("Nusantara", "Mandiri", "Bangsa", "Niaga", "Persada", "Utama", "Madani", "Indonesia",
         "Jaya", "Bakti"),
    ),
    "bank": PartnerNames(
        ("PT BPR {a} {b}", "PT BPR Syariah {a} {b}", "PT Bank {a} {b}"), _BUSINESSLIKE, _PROSPEROUS
    ),
    "cooperative": PartnerNames(
        ("Koperasi Simpan Pinjam {a} {b}", "Koperasi Serba Usaha {a} {b}", "KSPPS {a} {b}",
         "Koperasi Produsen {a} {b}"),
        _BUSINESSLIKE,
        ("Usaha", "Makmur", "Sejahtera", "Mandiri", "Bersama", "Sentosa", "Tani", "Niaga",
         "Abadi", "Rakyat"),
    ),
    "bumn": PartnerNames(
        ("PT {a} {b} (Persero)", "Perum {a} {b}"),
        ("Sarana", "Permodalan", "Pembiayaan", "Niaga", "Daya", "Karya", "Pangan", "Logistik"),
        ("Nusantara", "Indonesia", "Usaha Rakyat", "Negara", "Bangsa", "Madani"),
    ),
}  # fmt: skip
PARTNER_CONTACT_POSITIONS: dict[str, tuple[str, ...]] = {
    "province_gov": ("Kepala Dinas Koperasi dan UKM", "Kepala Bidang Pemberdayaan UMKM"),
    "regency_gov": ("Kepala Dinas Koperasi dan UMKM", "Sekretaris Dinas Perindustrian"),
    "city_gov": ("Kepala Dinas Koperasi dan UMKM", "Kepala Bidang Usaha Mikro"),
    "company": ("Manajer CSR", "Kepala Kemitraan UMKM", "Head of Partnership"),
    "foundation": ("Ketua Yayasan", "Direktur Program"),
    "university": ("Kepala Pusat Kewirausahaan", "Dekan Fakultas Ekonomi dan Bisnis"),
    "bank": ("Kepala Divisi UMKM", "Pemimpin Cabang"),
    "cooperative": ("Ketua Koperasi", "Manajer Pembiayaan"),
    "bumn": ("Vice President Program Kemitraan", "Kepala Bagian TJSL"),
}  # fmt: skip
AGREEMENT_TITLES: dict[str, str] = {
    "province_gov": "Kerja Sama Pemberdayaan UMKM di {region}",
    "regency_gov": "Kerja Sama Pemberdayaan UMKM di {region}",
    "city_gov": "Kerja Sama Pemberdayaan UMKM di {region}",
    "company": "Akses Pasar dan Digitalisasi UMKM",
    "foundation": "Pelatihan dan Pendampingan Usaha Perempuan",
    "university": "Pendampingan dan Riset Kewirausahaan",
    "bank": "Akses Permodalan dan Literasi Keuangan bagi Anggota",
    "cooperative": "Pembiayaan dan Penguatan Kelembagaan Usaha",
    "bumn": "Program Kemitraan dan Pembinaan UMKM",
}
AGREEMENT_SCOPES: dict[str, str] = {
    "government": "Pelatihan, pendampingan perizinan (NIB, P-IRT, halal) dan fasilitasi bazar.",
    "company": "Pelatihan pemasaran digital, kurasi produk dan akses ke kanal penjualan mitra.",
    "foundation": "Kelas kewirausahaan dan pendampingan kelompok usaha perempuan.",
    "university": "Pendampingan mahasiswa, riset pasar dan pelatihan pembukuan sederhana.",
    "bank": "Literasi keuangan, pembukaan rekening usaha dan akses KUR bagi anggota siap modal.",
    "cooperative": "Pembiayaan modal kerja dan pendampingan kelembagaan usaha anggota.",
    "bumn": "Program kemitraan, pelatihan standar produk (SNI) dan pembiayaan bergulir.",
}
