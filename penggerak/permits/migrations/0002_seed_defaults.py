"""Default permit requirements per sector and the two default checklists.

Sources for the defaults: PP 5/2021 (NIB via OSS RBA for every business); Peraturan BPOM
22/2018 (SPP-IRT for household processed food); UU 33/2014 jo. PP 39/2021 (halal obligation
for food, beverages and cosmetics, free self-declare route for micro and small businesses);
Peraturan BPOM 21/2022 (cosmetic notification); Permenperin on mandatory SNI (e.g. toys,
baby clothing); Kemenparekraf CHSE guidelines (cleanliness, health, safety, environment).
The secretariat edits all of it in the admin afterwards.
"""

from django.db import migrations

REQUIRED, OPTIONAL = True, False

REQUIREMENTS = {
    "food": [
        ("nib", REQUIRED, ""),
        ("pirt", REQUIRED, "Untuk pangan olahan rumah tangga; pangan berisiko tinggi perlu BPOM MD."),
        ("halal", REQUIRED, "Wajib bagi makanan; usaha mikro dan kecil bisa lewat self-declare gratis."),
        ("bpom", OPTIONAL, "Bila produknya tidak boleh memakai P-IRT (mis. susu, daging olahan)."),
    ],
    "beverage": [
        ("nib", REQUIRED, ""),
        ("pirt", REQUIRED, "Untuk minuman olahan rumah tangga."),
        ("halal", REQUIRED, "Wajib bagi minuman; self-declare gratis untuk usaha mikro dan kecil."),
        ("bpom", OPTIONAL, "Bila minumannya tidak boleh memakai P-IRT."),
    ],
    "cosmetics": [
        ("nib", REQUIRED, ""),
        ("bpom", REQUIRED, "Notifikasi kosmetik BPOM sebelum diedarkan."),
        ("halal", REQUIRED, "Wajib bagi kosmetik."),
    ],
    "craft": [
        ("nib", REQUIRED, ""),
        ("sni", OPTIONAL, "Bila produknya ber-SNI wajib (mis. mainan anak, peralatan rumah tangga)."),
    ],
    "fashion": [
        ("nib", REQUIRED, ""),
        ("sni", OPTIONAL, "Pakaian bayi wajib SNI."),
    ],
    "agriculture": [("nib", REQUIRED, "")],
    "fishery": [
        ("nib", REQUIRED, ""),
        ("pirt", OPTIONAL, "Untuk olahan hasil perikanan rumah tangga."),
        ("halal", OPTIONAL, "Untuk produk olahan."),
    ],
    "livestock": [
        ("nib", REQUIRED, ""),
        ("halal", REQUIRED, "Produk hewan sembelihan dan olahannya wajib halal."),
    ],
    "retail": [("nib", REQUIRED, "")],
    "services": [
        ("nib", REQUIRED, ""),
        ("chse", OPTIONAL, "Untuk usaha pariwisata, kuliner dan akomodasi."),
    ],
    "digital": [("nib", REQUIRED, "")],
    "other": [("nib", REQUIRED, "")],
}

Y, S = "ynp", "score"

CHECKLISTS = [
    {
        "code": "sni-readiness",
        "title": "Kesiapan SNI untuk UMKM",
        "description": (
            "Penilaian mandiri sebelum mengajukan SPPT SNI ke Lembaga Sertifikasi Produk: "
            "legalitas, bahan baku, proses produksi, pengendalian mutu dan penandaan."
        ),
        "sections": [
            ("Legalitas dan organisasi", [
                ("nib", "Usaha sudah memiliki NIB dengan KBLI yang sesuai produk.", 3, Y),
                ("sni-known", "Nomor dan judul SNI produk sudah diketahui dan dokumennya dimiliki.", 3, Y),
                ("pic-quality", "Ada penanggung jawab mutu yang ditunjuk.", 2, Y),
            ]),
            ("Bahan baku dan proses produksi", [
                ("raw-spec", "Spesifikasi bahan baku tertulis dan pemasok tetap tercatat.", 2, Y),
                ("process-sop", "Prosedur produksi (SOP) tertulis dan dijalankan.", 3, Y),
                ("equipment", "Peralatan produksi terawat dan alat ukur dikalibrasi.", 2, S),
                ("workplace", "Tempat produksi bersih, tertata dan terpisah dari tempat tinggal.", 2, S),
            ]),
            ("Pengendalian mutu", [
                ("inspection", "Produk diperiksa sebelum dikemas, hasilnya dicatat.", 3, Y),
                ("lab-test", "Produk pernah diuji di laboratorium terakreditasi sesuai SNI.", 3, Y),
                ("nonconforming", "Produk yang tidak sesuai dipisahkan dan ditangani.", 2, Y),
                ("complaints", "Keluhan pelanggan dicatat dan ditindaklanjuti.", 1, Y),
            ]),
            ("Dokumentasi dan penandaan", [
                ("records", "Catatan produksi dan mutu disimpan minimal satu tahun.", 2, S),
                ("label", "Label memuat nama produk, produsen, alamat dan kode produksi.", 2, Y),
                ("traceability", "Setiap kemasan dapat ditelusuri ke tanggal produksinya.", 1, Y),
            ]),
        ],
    },
    {
        "code": "chse-protocol",
        "title": "Protokol kesehatan (CHSE) produksi, distribusi dan transaksi",
        "description": (
            "Daftar periksa kebersihan, kesehatan, keselamatan dan kelestarian lingkungan "
            "(CHSE) untuk tiga pilar: produksi, distribusi dan transaksi."
        ),
        "sections": [
            ("Produksi", [
                ("handwash", "Tersedia tempat cuci tangan dengan sabun dan air mengalir.", 3, Y),
                ("worker-health", "Pekerja sehat, memakai masker dan penutup kepala saat produksi.", 3, Y),
                ("cleaning", "Ruang dan alat produksi dibersihkan serta didisinfeksi setiap hari.", 3, S),
                ("waste", "Sampah dipilah dan dibuang di tempat tertutup.", 2, Y),
                ("first-aid", "Tersedia kotak P3K dan alat pemadam api ringan.", 1, Y),
            ]),
            ("Distribusi", [
                ("packaging", "Produk dikemas tertutup dan aman dari kontaminasi.", 3, Y),
                ("vehicle", "Kendaraan atau wadah pengiriman dibersihkan secara rutin.", 2, Y),
                ("courier", "Kurir memakai masker dan menjaga kebersihan tangan.", 2, Y),
                ("storage", "Penyimpanan sesuai suhu dan tidak menempel di lantai.", 2, S),
            ]),
            ("Transaksi", [
                ("cashless", "Tersedia pembayaran nontunai (QRIS/transfer).", 2, Y),
                ("distance", "Ada pengaturan jarak dan antrean di tempat penjualan.", 2, Y),
                ("sanitizer", "Tersedia hand sanitizer untuk pembeli.", 2, Y),
                ("info", "Informasi protokol kesehatan dipasang dan mudah dibaca.", 1, Y),
            ]),
        ],
    },
]


def seed(apps, schema_editor):
    PermitRequirement = apps.get_model("permits", "PermitRequirement")
    Template = apps.get_model("permits", "ChecklistTemplate")
    Section = apps.get_model("permits", "ChecklistSection")
    Item = apps.get_model("permits", "ChecklistItem")
    PermitRequirement.objects.bulk_create(
        [
            PermitRequirement(sector=sector, kind=kind, required=required, note=note)
            for sector, rows in REQUIREMENTS.items()
            for kind, required, note in rows
        ],
        ignore_conflicts=True,
    )
    for spec in CHECKLISTS:
        template, created = Template.objects.get_or_create(
            code=spec["code"],
            defaults={"title": spec["title"], "description": spec["description"]},
        )
        if not created:
            continue
        for order, (title, items) in enumerate(spec["sections"], start=1):
            section = Section.objects.create(template=template, order=order, title=title)
            Item.objects.bulk_create(
                [
                    Item(section=section, order=n, code=code, text=text, weight=weight, answer_type=kind)
                    for n, (code, text, weight, kind) in enumerate(items, start=1)
                ]
            )


def unseed(apps, schema_editor):
    apps.get_model("permits", "PermitRequirement").objects.all().delete()
    apps.get_model("permits", "ChecklistTemplate").objects.filter(
        code__in=[spec["code"] for spec in CHECKLISTS], responses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("permits", "0001_permits")]
    operations = [migrations.RunPython(seed, unseed)]
