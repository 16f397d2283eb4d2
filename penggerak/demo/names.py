"""Indonesian personal names with regional flavour, for synthetic members and contacts.

Each flavour describes how people of one cultural region are usually named: given-name pools
by sex, optional second names, family names (marga, fam) where they are customary, and titles
(Andi, Teuku, I/Ni, Lalu/Baiq...). The pools are ordinary names, not real people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Shared pools: names common across Muslim Indonesia.
_MUSLIM_MALE = (
    "Muhammad", "Ahmad", "Abdul", "Rizky", "Fajar", "Hendra", "Arif", "Irfan", "Rahmat",
    "Ridwan", "Taufik", "Yusuf", "Hasan", "Ilham", "Ismail", "Lukman", "Fauzi", "Hafiz",
    "Rizal", "Syahrul", "Reza", "Dimas", "Aditya", "Bayu", "Fikri", "Hamzah", "Imam",
    "Kurniawan", "Malik", "Nanda", "Rafi", "Salman", "Umar", "Wahid", "Zaki", "Anwar",
    "Habib", "Iqbal", "Jamal", "Nur", "Rudi", "Agus", "Doni", "Eko", "Heru", "Andri",
)  # fmt: skip
_MUSLIM_MALE_SECOND = (
    "Hidayat", "Saputra", "Pratama", "Ramadhan", "Kurniawan", "Setiawan", "Firmansyah",
    "Maulana", "Hakim", "Fauzan", "Syahputra", "Rahman", "Hidayatullah", "Nugraha",
    "Prasetyo", "Wibowo", "Santoso", "Gunawan", "Hermawan", "Permana", "Sholeh", "Arifin",
    "Hasibuan", "Akbar", "Rosyid", "Zulkarnain", "Hamdani", "Mustofa", "Fadillah", "Rizki",
)  # fmt: skip
_MUSLIM_FEMALE = (
    "Siti", "Nur", "Nurul", "Dewi", "Fitri", "Rina", "Dian", "Indah", "Putri", "Ayu",
    "Aisyah", "Fatimah", "Anisa", "Rahma", "Sri", "Yuni", "Wati", "Ani", "Lina", "Mega",
    "Novi", "Rini", "Sari", "Tuti", "Umi", "Wulan", "Yanti", "Zahra", "Hana", "Ratna",
    "Nia", "Eka", "Desi", "Evi", "Intan", "Laila", "Maya", "Nabila", "Rosa", "Vina",
)  # fmt: skip
_MUSLIM_FEMALE_SECOND = (
    "Aminah", "Rahmawati", "Handayani", "Lestari", "Nurhayati", "Wulandari", "Fitriani",
    "Safitri", "Maharani", "Permatasari", "Anggraini", "Puspitasari", "Kurniasih",
    "Hasanah", "Khadijah", "Susanti", "Yulianti", "Marlina", "Agustina", "Oktaviani",
    "Novitasari", "Rosdiana", "Mulyani", "Wahyuni", "Ningsih", "Sulastri", "Kartika",
    "Amalia", "Hidayati", "Fauziah",
)  # fmt: skip
_CHRISTIAN_MALE = (
    "Yohanes", "Petrus", "Paulus", "Markus", "Stefanus", "Yosef", "Fransiskus", "Antonius",
    "Daniel", "Samuel", "Michael", "Robert", "Hendrik", "Agustinus", "Yakobus", "Simon",
    "Andreas", "Matius", "Thomas", "Benediktus", "Lukas", "Kristian", "Yulius", "Nikolas",
)  # fmt: skip
_CHRISTIAN_FEMALE = (
    "Maria", "Theresia", "Yohana", "Magdalena", "Agustina", "Elisabeth", "Veronika",
    "Margaretha", "Kristina", "Debora", "Grace", "Natalia", "Yuliana", "Fransiska",
    "Ester", "Ruth", "Lidia", "Marta", "Rosalina", "Christine", "Imelda", "Sisilia",
)  # fmt: skip


@dataclass(frozen=True)
class Flavour:
    """How people of one cultural region are usually named."""

    code: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    male_second: tuple[str, ...] = ()
    female_second: tuple[str, ...] = ()
    # Family names (marga, fam) always close the name when present.
    surnames: tuple[str, ...] = ()
    surname_share: float = 0.0
    # Shares of one-word and three-word names; the rest have two words.
    single_share: float = 0.15
    triple_share: float = 0.1
    male_titles: tuple[tuple[str, float], ...] = ()
    female_titles: tuple[tuple[str, float], ...] = ()
    # Honorifics used in business names ("Keripik Bu Siti", "Bakso Kang Asep").
    male_honorifics: tuple[str, ...] = ("Pak",)
    female_honorifics: tuple[str, ...] = ("Bu",)
    muslim: bool = True
    # Words that are titles or formal first names, skipped when choosing the call name.
    skip_words: frozenset[str] = field(default_factory=frozenset)


_SKIP_COMMON = frozenset(
    {"H.", "Hj.", "Muhammad", "Moh.", "Mohammad", "Ach.", "Abd.", "Ahmad", "Abdul", "Nur"}
)

FLAVOURS: dict[str, Flavour] = {
    "general": Flavour(
        code="general",
        male=_MUSLIM_MALE,
        female=_MUSLIM_FEMALE,
        male_second=_MUSLIM_MALE_SECOND,
        female_second=_MUSLIM_FEMALE_SECOND,
        single_share=0.1,
        triple_share=0.15,
        skip_words=_SKIP_COMMON,
    ),
    "javanese": Flavour(
        code="javanese",
        male=(
            "Slamet", "Sugeng", "Joko", "Bambang", "Sutrisno", "Wahyudi", "Agus", "Budi",
            "Eko", "Teguh", "Suparman", "Darmo", "Hartono", "Purnomo", "Sulistyo", "Setiawan",
            "Sugiyono", "Supriyadi", "Widodo", "Sukirno", "Priyono", "Edi", "Heri", "Tri",
            "Dwi", "Yudi", "Bagus", "Dimas", "Wahyu", "Adi", "Rudi", "Hadi", "Sigit", "Anton",
        ),
        female=(
            "Sri", "Sumiyati", "Suharti", "Endang", "Siti", "Wulandari", "Lestari", "Rahayu",
            "Suprihatin", "Tri", "Dwi", "Ningsih", "Astuti", "Wahyuningsih", "Handayani",
            "Purwanti", "Sumarni", "Suwarni", "Yuliati", "Kusmiati", "Partini", "Sulastri",
            "Ayu", "Retno", "Dewi", "Fitri", "Indah", "Rini", "Murni", "Tutik", "Wiji",
        ),
        male_second=(
            "Santoso", "Prasetyo", "Nugroho", "Wibowo", "Susanto", "Hartono", "Utomo",
            "Purnomo", "Setiawan", "Kurniawan", "Raharjo", "Sutrisno", "Wicaksono",
            "Saputro", "Haryanto", "Suryono", "Darmawan", "Widodo", "Riyanto", "Pamungkas",
        ),
        female_second=(
            "Wahyuni", "Lestari", "Rahayu", "Handayani", "Ningsih", "Astuti", "Wulandari",
            "Rahmawati", "Susilowati", "Purwaningsih", "Setyaningsih", "Sulistyowati",
            "Kusumawati", "Indrawati", "Widyastuti", "Pertiwi", "Utami", "Sari", "Mulyani",
        ),
        single_share=0.3,
        triple_share=0.1,
        male_honorifics=("Pak", "Mas", "Cak"),
        female_honorifics=("Bu", "Mbak", "Mbok"),
        skip_words=_SKIP_COMMON,
    ),
    "sundanese": Flavour(
        code="sundanese",
        male=(
            "Asep", "Dadang", "Ujang", "Cecep", "Dede", "Encep", "Usep", "Jajang", "Deden",
            "Ade", "Yayan", "Iwan", "Dodi", "Aep", "Endang", "Maman", "Ruhiyat", "Yana",
            "Rahmat", "Agus", "Dani", "Rizki", "Wawan", "Iyan", "Jaja", "Eman",
        ),
        female=(
            "Euis", "Neneng", "Imas", "Lilis", "Cucu", "Enung", "Yuyun", "Nining", "Tati",
            "Iis", "Nenden", "Rika", "Yeni", "Nani", "Popon", "Entin", "Ai", "Siti", "Dewi",
            "Rina", "Elis", "Ela", "Wiwin", "Teti", "Nur",
        ),
        male_second=(
            "Sunarya", "Suryana", "Permana", "Hidayat", "Kusnadi", "Saputra", "Gunawan",
            "Saepudin", "Supriatna", "Kurniawan", "Sopandi", "Mulyana", "Hermawan",
            "Rustandi", "Sumpena", "Nugraha", "Wijaya", "Komarudin", "Setiadi", "Ruhimat",
        ),
        female_second=(
            "Nurhayati", "Kurniasih", "Rahayu", "Sumiati", "Komalasari", "Hasanah",
            "Rosmiati", "Suryani", "Maryani", "Nurjanah", "Kartini", "Herawati",
            "Sumarni", "Rohaeti", "Juariah", "Mulyati", "Yulianti", "Susilawati",
        ),
        single_share=0.12,
        triple_share=0.06,
        male_honorifics=("Pak", "Kang", "Mang"),
        female_honorifics=("Bu", "Teh", "Ceu"),
        skip_words=_SKIP_COMMON,
    ),
    "betawi": Flavour(
        code="betawi",
        male=(
            "Mamat", "Rojali", "Udin", "Sabeni", "Mursid", "Jaelani", "Jamal", "Saiful",
            "Rohim", "Muhammad", "Ahmad", "Syafi'i", "Mahmud", "Nasir", "Bahrudin", "Abdullah",
            "Rohman", "Sanusi", "Idris", "Bachtiar", "Haris", "Rizal",
        ),
        female=(
            "Romlah", "Juleha", "Munah", "Rohaya", "Saodah", "Zaenab", "Maemunah", "Aminah",
            "Siti", "Nur", "Rohimah", "Fatimah", "Mariam", "Halimah", "Salamah", "Rodiah",
        ),
        male_second=_MUSLIM_MALE_SECOND,
        female_second=_MUSLIM_FEMALE_SECOND,
        single_share=0.25,
        triple_share=0.05,
        male_honorifics=("Bang", "Pak"),
        female_honorifics=("Mpok", "Bu"),
        skip_words=_SKIP_COMMON,
    ),
    "madura": Flavour(
        code="madura",
        male=("Moh.", "Mohammad", "Ach.", "Abd.", "Hasan", "Syamsul", "Hosnan", "Holil"),
        female=("Siti", "Nur", "Hosniyah", "Romlah", "Jamilah", "Munawaroh", "Sulastri"),
        male_second=(
            "Hasan", "Rofiqi", "Sahri", "Holil", "Fauzi", "Rasyid", "Zainuri", "Subairi",
            "Syamsul", "Hosnan", "Rahman", "Faruk", "Sahlan", "Mukhlis",
        ),
        female_second=(
            "Maimunah", "Hosniyah", "Fatimatus Zahro", "Hasanah", "Romlah", "Jamilah",
            "Munawaroh", "Aisyah", "Qomariyah", "Hamidah",
        ),
        single_share=0.05,
        triple_share=0.1,
        male_honorifics=("Pak", "Cak"),
        female_honorifics=("Bu", "Mbak"),
        skip_words=_SKIP_COMMON,
    ),
    "batak": Flavour(
        code="batak",
        male=(
            "Tigor", "Togar", "Parlindungan", "Hotman", "Sahat", "Martua", "Binsar", "Rudi",
            "Daniel", "Samuel", "Ronald", "Jhonson", "Poltak", "Bonar", "Maruli", "Horas",
            "Erwin", "Edward", "Tumpal", "Mangasi",
        ),
        female=(
            "Rosmawati", "Tiurma", "Lamtiur", "Nurmala", "Sondang", "Rugun", "Hotmauli",
            "Ruth", "Maria", "Debora", "Romauli", "Nurhaida", "Juliana", "Rismawati",
            "Lastiar", "Dame", "Masniari", "Tiomsi",
        ),
        surnames=(
            "Siregar", "Nasution", "Simanjuntak", "Sitompul", "Hutapea", "Manurung",
            "Sinaga", "Situmorang", "Pardede", "Panjaitan", "Simatupang", "Lubis", "Harahap",
            "Tambunan", "Sihombing", "Purba", "Ginting", "Tarigan", "Hutagalung", "Silalahi",
            "Napitupulu", "Marpaung", "Sitorus", "Damanik", "Saragih", "Pohan", "Daulay",
        ),
        surname_share=0.92,
        single_share=0.05,
        triple_share=0.15,
        male_honorifics=("Pak", "Bang", "Amang"),
        female_honorifics=("Bu", "Kak", "Inang"),
        muslim=False,
    ),
    "minang": Flavour(
        code="minang",
        male=(
            "Afrizal", "Yusrizal", "Syafrudin", "Zulkifli", "Hendri", "Edi", "Rizal", "Fadli",
            "Irwan", "Zulkarnain", "Syafrizal", "Hendrizal", "Erizal", "Yondri", "Dasril",
            "Jasman", "Nofrianto", "Rahmat", "Alfian", "Zulfahmi",
        ),
        female=(
            "Yusniar", "Rosna", "Nurhasanah", "Ernawati", "Yenni", "Elvira", "Desi", "Fitria",
            "Yulia", "Yusnidar", "Erniwati", "Nurlela", "Yulida", "Desmawati", "Rosnidar",
            "Elvi", "Yenti", "Weni", "Rahmi", "Zuraida",
        ),
        male_second=(
            "Putra", "Syahputra", "Effendi", "Hamzah", "Rasyid", "Datuak Sati", "Malin",
            "Sutan", "Marajo", "Hidayat", "Yunus", "Chaniago",
        ),
        female_second=(
            "Putri", "Yanti", "Wati", "Sari", "Hayati", "Rahmawati", "Fitriani", "Yunita",
            "Novita", "Susanti",
        ),
        surnames=("Chaniago", "Piliang", "Sikumbang", "Tanjung", "Koto", "Jambak", "Melayu"),
        surname_share=0.12,
        single_share=0.35,
        triple_share=0.05,
        male_honorifics=("Pak", "Uda"),
        female_honorifics=("Bu", "Uni"),
        skip_words=_SKIP_COMMON,
    ),
    "melayu": Flavour(
        code="melayu",
        male=(*_MUSLIM_MALE, "Syahrial", "Azhar", "Zainal", "Syamsuddin", "Khairul", "Tengku"),
        female=(*_MUSLIM_FEMALE, "Nurhaliza", "Zubaidah", "Rohani", "Norma", "Syarifah"),
        male_second=(*_MUSLIM_MALE_SECOND, "Syahputra", "Effendi", "Azmi", "Hamid"),
        female_second=(*_MUSLIM_FEMALE_SECOND, "Zubaidah", "Rohani", "Sarifah"),
        single_share=0.12,
        triple_share=0.12,
        male_honorifics=("Pak", "Bang", "Wak"),
        female_honorifics=("Bu", "Kak", "Mak"),
        skip_words=_SKIP_COMMON | {"Tengku"},
    ),
    "aceh": Flavour(
        code="aceh",
        male=(
            "Muhammad", "Zulfikar", "Munawar", "Fauzan", "Iskandar", "Mukhlis", "Safrizal",
            "Azwar", "Khairul", "Zulkifli", "Maimun", "Husaini", "Mahdi", "Jamaluddin",
            "Nasruddin", "Rahmat", "Teuku", "Saifullah", "Ridwan", "Sulaiman",
        ),
        female=(
            "Nurul", "Rahmah", "Khairunnisa", "Ummi", "Fitriani", "Rosmiati", "Cut", "Nur",
            "Husna", "Aminah", "Mardiah", "Nurjannah", "Raihan", "Safrida", "Zahratul",
        ),
        male_second=("Abdullah", "Ibrahim", "Ismail", "Hasan", "Daud", "Yusuf", "Amin", "Ali"),
        female_second=(
            "Husna", "Hayati", "Fajriah", "Mulyani", "Safitri", "Aini", "Wardah", "Maulida",
        ),
        single_share=0.15,
        triple_share=0.1,
        male_titles=(("Teuku", 0.08),),
        female_titles=(("Cut", 0.08),),
        male_honorifics=("Pak", "Bang", "Teungku"),
        female_honorifics=("Bu", "Kak", "Nyak"),
        skip_words=_SKIP_COMMON | {"Teuku", "Cut"},
    ),
    "bugis": Flavour(
        code="bugis",
        male=(
            "Muhammad", "Baso", "Syamsuddin", "Arifuddin", "Haeruddin", "Jumadi", "Akbar",
            "Ridwan", "Nasrullah", "Irwan", "Amiruddin", "Sudirman", "Hasanuddin",
            "Kamaruddin", "Syahrir", "Asri", "Muhammad Yusuf", "Abdul Rahman", "Safaruddin",
            "Ansar", "Haris", "Ilham",
        ),
        female=(
            "Sitti", "Hasnah", "Nurhayati", "Hartati", "Rosmini", "Haslinda", "Nurjannah",
            "Suriani", "Hasmawati", "Nurmiati", "Sumarni", "Rahmawati", "Jumriah", "Hamsiah",
            "Kasmawati", "Nurlina", "Syamsiah", "Hasriani",
        ),
        male_second=(
            "Daeng Ngalle", "Saleh", "Rasyid", "Hamid", "Latif", "Mappiasse", "Tahir",
            "Salam", "Kadir", "Amir", "Rauf", "Sanusi",
        ),
        female_second=("Daeng Sikati", "Amir", "Saleh", "Rahman", "Hamid", "Nur", "Aminah"),
        single_share=0.3,
        triple_share=0.08,
        male_titles=(("Andi", 0.12),),
        female_titles=(("Andi", 0.1), ("Besse", 0.03)),
        male_honorifics=("Pak", "Daeng"),
        female_honorifics=("Bu", "Daeng"),
        skip_words=_SKIP_COMMON | {"Andi", "Besse"},
    ),
    "banjar": Flavour(
        code="banjar",
        male=(
            "Rahmadi", "Syahrani", "Fahrurrazi", "Ahmad", "Muhammad", "Rusdiansyah", "Hairul",
            "Fitriansyah", "Norhadi", "Abdiansyah", "Rahmadiansyah", "Masrani", "Gusti",
            "Sarbani", "Anang", "Taufikurrahman",
        ),
        female=(
            "Galuh", "Aluh", "Norhayati", "Salasiah", "Rusmini", "Masitah", "Nor Aida",
            "Noorhasanah", "Rahmah", "Mardiana", "Hairunnisa", "Normilawati", "Siti", "Halimah",
        ),
        male_second=("Noor", "Syahrani", "Hidayat", "Rahman", "Arsyad", "Fadillah", "Effendi"),
        female_second=("Hayati", "Wati", "Fitriani", "Rahmah", "Noor", "Jannah", "Sari"),
        single_share=0.3,
        triple_share=0.05,
        male_titles=(("Gusti", 0.06),),
        female_titles=(("Gusti", 0.04),),
        male_honorifics=("Pak", "Julak"),
        female_honorifics=("Bu", "Acil"),
        skip_words=_SKIP_COMMON | {"Gusti"},
    ),
    "bali": Flavour(
        code="bali",
        male=("Wayan", "Made", "Nyoman", "Ketut", "Gede", "Putu", "Komang", "Kadek", "Nengah"),
        female=("Putu", "Made", "Nyoman", "Ketut", "Luh", "Kadek", "Komang", "Wayan"),
        male_second=(
            "Sudarsana", "Suarjana", "Wirawan", "Artawan", "Budiarta", "Mahendra", "Adnyana",
            "Sukadana", "Sudiarta", "Arsana", "Wiratama", "Suardika", "Parwata", "Ariawan",
            "Darmawan", "Sutama", "Gunawan", "Astawa",
        ),
        female_second=(
            "Sukerti", "Suastini", "Widiasih", "Ariani", "Purnamawati", "Sriasih",
            "Suartini", "Wahyuni", "Sukmawati", "Ayu Lestari", "Eka Widiasih", "Sri Astiti",
            "Dewi Lestari", "Yuliantari", "Mertayasih",
        ),
        single_share=0.0,
        triple_share=0.0,
        male_titles=(("Ida Bagus", 0.05), ("I Gusti Ngurah", 0.04)),
        female_titles=(("Ida Ayu", 0.05), ("I Gusti Ayu", 0.04)),
        male_honorifics=("Pak", "Bli"),
        female_honorifics=("Bu", "Mbok"),
        muslim=False,
        skip_words=frozenset({"I", "Ni", "Ida", "Bagus", "Ayu", "Gusti", "Ngurah"}),
    ),
    "sasak": Flavour(
        code="sasak",
        male=(
            "Zainal", "Jumadil", "Muhzan", "Sahnan", "Zulkifli", "Hamdani", "Abdul Hakim",
            "Marzuki", "Saparudin", "Muhammad", "Rusdi", "Supardi", "Sahrul", "Ahmad",
        ),
        female=(
            "Nurhasanah", "Rohani", "Sumiati", "Marni", "Haerani", "Nurhalimah", "Rabiatun",
            "Nurhidayah", "Saenah", "Siti", "Hulaifah", "Mahnun",
        ),
        male_second=_MUSLIM_MALE_SECOND,
        female_second=_MUSLIM_FEMALE_SECOND,
        single_share=0.35,
        triple_share=0.05,
        male_titles=(("Lalu", 0.12),),
        female_titles=(("Baiq", 0.12),),
        male_honorifics=("Pak", "Amaq"),
        female_honorifics=("Bu", "Inaq"),
        skip_words=_SKIP_COMMON | {"Lalu", "Baiq"},
    ),
    "ntt": Flavour(
        code="ntt",
        male=(*_CHRISTIAN_MALE, "Marselinus", "Florianus", "Kornelis", "Aloysius"),
        female=(*_CHRISTIAN_FEMALE, "Serafina", "Imakulata", "Yasinta", "Oktovina"),
        surnames=(
            "Manafe", "Fanggidae", "Ndoen", "Nenobais", "Dethan", "Tefa", "Bria", "Seran",
            "Kase", "Pareira", "Lado", "Lay", "Rohi", "Sinlae", "Da Costa", "Fernandez",
            "Bere", "Nahak", "Bataona", "Lewar",
        ),
        surname_share=0.9,
        single_share=0.0,
        triple_share=0.2,
        muslim=False,
    ),
    "manado": Flavour(
        code="manado",
        male=(
            "Jeffry", "Stenly", "Rudy", "Frangky", "Meyer", "Hendrik", "Novry", "Johny",
            "Denny", "Ferry", "Marthen", "Reinhard", "Jemmy", "Ronny", "Arnold", "Vecky",
        ),
        female=(
            "Meiske", "Stefani", "Grace", "Vivi", "Lenny", "Olivia", "Deisy", "Marlyn",
            "Jeane", "Christine", "Femmy", "Sherly", "Vonny", "Yulin", "Ivone", "Mersy",
        ),
        surnames=(
            "Wowor", "Rumengan", "Lumenta", "Sumampouw", "Mandagi", "Tumbelaka", "Pangemanan",
            "Kaunang", "Lengkong", "Rondonuwu", "Sondakh", "Tangkilisan", "Lapian",
            "Runtuwene", "Supit", "Tumewu", "Karamoy", "Rompas", "Wenas", "Lumingkewas",
        ),
        surname_share=0.95,
        single_share=0.0,
        triple_share=0.15,
        male_honorifics=("Pak", "Om"),
        female_honorifics=("Bu", "Tante"),
        muslim=False,
    ),
    "maluku": Flavour(
        code="maluku",
        male=(*_CHRISTIAN_MALE[:12], "Abdul", "Hasan", "Ismail", "Rahman", "Yusuf", "Ali"),
        female=(*_CHRISTIAN_FEMALE[:10], "Siti", "Nurlela", "Hadija", "Salma", "Nur"),
        surnames=(
            "Pattinasarany", "Tuhumury", "Sahetapy", "Pattiasina", "Leimena", "Matulessy",
            "Siwabessy", "Wattimena", "Latumahina", "Tupamahu", "Latuconsina", "Tuasikal",
            "Ohorella", "Marasabessy", "Tuanaya", "Pelu", "Wailissa", "Umasugi",
        ),
        surname_share=0.9,
        single_share=0.0,
        triple_share=0.1,
        male_honorifics=("Pak", "Bung"),
        female_honorifics=("Bu", "Usi"),
        muslim=False,
    ),
    "papua": Flavour(
        code="papua",
        male=(
            "Yohanes", "Markus", "Yakobus", "Yulianus", "Nikolas", "Otto", "Marthen",
            "Septinus", "Benny", "Yan", "Frans", "Musa", "Elias", "Lukas", "Daud",
        ),
        female=(
            "Maria", "Yohana", "Martha", "Dorkas", "Agustina", "Yuliana", "Ribka", "Naomi",
            "Selfina", "Dorince", "Helena", "Yosina", "Ester", "Marice",
        ),
        surnames=(
            "Wenda", "Kogoya", "Rumbiak", "Mansoben", "Wanggai", "Karubaba", "Kambu",
            "Rumbewas", "Yoku", "Ayomi", "Sawaki", "Mandowen", "Wonda", "Tabuni", "Murib",
            "Wakerkwa", "Kaisiepo", "Rumbino",
        ),
        surname_share=0.95,
        single_share=0.0,
        triple_share=0.05,
        male_honorifics=("Pak", "Bapa"),
        female_honorifics=("Bu", "Mama"),
        muslim=False,
    ),
    "christian": Flavour(
        code="christian",
        male=_CHRISTIAN_MALE,
        female=_CHRISTIAN_FEMALE,
        male_second=("Setiawan", "Gunawan", "Santoso", "Wijaya", "Kurniawan", "Hartono"),
        female_second=("Lestari", "Susanti", "Wahyuni", "Handayani", "Kristiani", "Natalia"),
        surnames=("Ngabut", "Usop", "Lambung", "Tingang", "Bahat", "Jalung", "Anyi", "Lejau"),
        surname_share=0.35,
        single_share=0.0,
        triple_share=0.05,
        muslim=False,
    ),
    "chinese": Flavour(
        code="chinese",
        male=(
            "Hendra", "Budi", "Kevin", "Steven", "William", "Felix", "Andi", "Edi", "Rudi",
            "Johan", "Hengky", "Ricky", "Yohanes", "Michael", "Suryadi", "Tommy", "Ferdinand",
        ),
        female=(
            "Lili", "Susan", "Linda", "Yenny", "Melinda", "Jessica", "Fransiska", "Meilani",
            "Lanny", "Shinta", "Veronica", "Angela", "Cindy", "Lisa", "Mei Ling", "Sherly",
        ),
        surnames=(
            "Wijaya", "Gunawan", "Halim", "Tanuwijaya", "Kurniawan", "Susanto", "Salim",
            "Hartanto", "Setiadi", "Santoso", "Lim", "Tan", "Wibowo", "Sugiarto", "Tjandra",
            "Lie", "Gozali", "Kusuma", "Sutanto", "Widjaja",
        ),
        surname_share=0.95,
        single_share=0.0,
        triple_share=0.05,
        male_honorifics=("Pak", "Koh"),
        female_honorifics=("Bu", "Cik"),
        muslim=False,
    ),
}  # fmt: skip


def _title(rng: random.Random, titles: tuple[tuple[str, float], ...]) -> str:
    """One of the (title, share) titles, or "" for most people."""
    roll = rng.random()
    for title, share in titles:
        if roll < share:
            return title
        roll -= share
    return ""


def person_name(rng: random.Random, flavour: Flavour, sex: str, *, age: int = 35) -> str:
    """A full name for a person of ``sex`` ("L"/"P") in ``flavour``.

    Older Muslims sometimes carry the hajj title (H., Hj.).
    """
    male = sex == "L"
    pool = flavour.male if male else flavour.female
    seconds = flavour.male_second if male else flavour.female_second
    if flavour.code == "bali":
        title = _title(rng, flavour.male_titles if male else flavour.female_titles)
        first = title or ("I " if male else "Ni ") + rng.choice(pool)
        return f"{first} {rng.choice(seconds)}"

    parts = [rng.choice(pool)]
    roll = rng.random()
    if roll >= flavour.single_share and seconds:
        if roll < flavour.single_share + flavour.triple_share:
            middle = rng.choice(pool)
            if middle != parts[0]:
                parts.append(middle)
        second = rng.choice(seconds)
        if second != parts[-1]:
            parts.append(second)
    elif roll >= flavour.single_share and flavour.triple_share and rng.random() < 0.5:
        middle = rng.choice(pool)
        if middle != parts[0]:
            parts.append(middle)
    if flavour.surnames and rng.random() < flavour.surname_share:
        parts.append(rng.choice(flavour.surnames))

    title = _title(rng, flavour.male_titles if male else flavour.female_titles)
    if title and title != parts[0]:
        parts.insert(0, title)
    # The hajj title is common among older Muslim entrepreneurs.
    if flavour.muslim and age >= 45 and rng.random() < 0.08:
        parts.insert(0, "H." if male else "Hj.")
    return " ".join(parts)


def call_name(full_name: str, flavour: Flavour) -> str:
    """The name people use in speech: the first word that is not a title or formal prefix."""
    words = full_name.split()
    for word in words:
        if word not in flavour.skip_words:
            return word.rstrip(".")
    return words[-1]


def pick_flavour(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> Flavour:
    """Choose a flavour from a province's (code, share) mix."""
    roll = rng.random() * sum(share for _, share in mix)
    for code, share in mix:
        if roll < share:
            return FLAVOURS[code]
        roll -= share
    return FLAVOURS[mix[-1][0]]
