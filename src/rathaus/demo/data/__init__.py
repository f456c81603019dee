"""Demo content as plain Python data, read by `rathaus.demo.loader`.

Every record is keyed by its natural key (ARS, office slug, LeiKa key, life-situation slug,
municipality + service), so the loader can create what is missing and correct what differs.

Contact details are realistic in shape but not authoritative. E-mail addresses deliberately use
the reserved ``.example`` domain (RFC 2606): a demo installation sends real mail (e.g. the
accessibility feedback form), and it must never reach a real town hall.
"""
