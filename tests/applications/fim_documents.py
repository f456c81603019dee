"""Small XDatenfelder documents for the importer tests, written to the order and cardinality of
the official XSDs (xdatenfelder.xsd 2.0 and 3.0.0), so that each is valid against them."""

V2 = """<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:header>
    <xdf:nachrichtID>m-1</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation>
      <xdf:id>S1</xdf:id>
      <xdf:version>1.0</xdf:version>
    </xdf:identifikation>
    <xdf:name>Anmeldung</xdf:name>
    <xdf:bezeichnungEingabe>Anmeldung</xdf:bezeichnungEingabe>
    <xdf:beschreibung/>
    <xdf:definition/>
    <xdf:bezug/>
    <xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0">
      <code>aktiv</code>
    </xdf:status>
    <xdf:ableitungsmodifikationenStruktur>
      <code>0</code>
    </xdf:ableitungsmodifikationenStruktur>
    <xdf:ableitungsmodifikationenRepraesentation>
      <code>0</code>
    </xdf:ableitungsmodifikationenRepraesentation>
    <xdf:regel>
      <xdf:identifikation>
        <xdf:id>R1</xdf:id>
        <xdf:version>1.0</xdf:version>
      </xdf:identifikation>
      <xdf:name>PLZ und Ort</xdf:name>
      <xdf:bezeichnungEingabe>PLZ und Ort</xdf:bezeichnungEingabe>
      <xdf:beschreibung/>
      <xdf:definition>Die Postleitzahl muss zum Ort passen.</xdf:definition>
      <xdf:bezug/>
      <xdf:status>
        <code>aktiv</code>
      </xdf:status>
      <xdf:script>function pruefe() {}</xdf:script>
    </xdf:regel>
    <xdf:struktur>
      <xdf:anzahl>1:1</xdf:anzahl>
      <xdf:bezug/>
      <xdf:enthaelt>
        <xdf:datenfeld>
          <xdf:identifikation>
            <xdf:id>F1</xdf:id>
            <xdf:version>1.0</xdf:version>
          </xdf:identifikation>
          <xdf:name>Postleitzahl</xdf:name>
          <xdf:bezeichnungEingabe>Postleitzahl</xdf:bezeichnungEingabe>
          <xdf:beschreibung/>
          <xdf:definition/>
          <xdf:bezug/>
          <xdf:status>
            <code>aktiv</code>
          </xdf:status>
          <xdf:schemaelementart>
            <code>HAR</code>
          </xdf:schemaelementart>
          <xdf:hilfetextEingabe/>
          <xdf:hilfetextAusgabe/>
          <xdf:feldart>
            <code>input</code>
          </xdf:feldart>
          <xdf:datentyp>
            <code>text</code>
          </xdf:datentyp>
          <xdf:praezisierung>{"pattern": "[0-9]{5}"}</xdf:praezisierung>
          <xdf:inhalt/>
        </xdf:datenfeld>
      </xdf:enthaelt>
    </xdf:struktur>
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
"""

_V3_FIELD_HEAD = """
          <xdf:freigabestatus listVersionID="2022-07-12">
            <code>6</code>
          </xdf:freigabestatus>
          <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>"""

V3 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
  <xdf:header>
    <xdf:nachrichtID>m-1</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation>
      <xdf:id>S60000000001</xdf:id>
      <xdf:version>1.0.0</xdf:version>
    </xdf:identifikation>
    <xdf:name>Anmeldung</xdf:name>
    <xdf:freigabestatus listVersionID="2022-07-12">
      <code>6</code>
    </xdf:freigabestatus>
    <xdf:statusGesetztAm>2024-01-01</xdf:statusGesetztAm>
    <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
    <xdf:stichwort uri="urn:example:stichwort">Anmeldung</xdf:stichwort>
    <xdf:bezeichnung>Anmeldung</xdf:bezeichnung>
    <xdf:ableitungsmodifikationenStruktur>
      <code>0</code>
    </xdf:ableitungsmodifikationenStruktur>
    <xdf:ableitungsmodifikationenRepraesentation>
      <code>0</code>
    </xdf:ableitungsmodifikationenRepraesentation>
    <xdf:dokumentsteckbrief>
      <xdf:id>D60000000001</xdf:id>
      <xdf:version>1.0.0</xdf:version>
    </xdf:dokumentsteckbrief>
    <xdf:struktur>
      <xdf:anzahl>1:1</xdf:anzahl>
      <xdf:enthaelt>
        <xdf:datenfeldgruppe>
          <xdf:identifikation>
            <xdf:id>G60000000001</xdf:id>
            <xdf:version>1.0.0</xdf:version>
          </xdf:identifikation>
          <xdf:name>Angaben</xdf:name>{_V3_FIELD_HEAD}
          <xdf:bezeichnungEingabe>Angaben</xdf:bezeichnungEingabe>
          <xdf:schemaelementart>
            <code>HAR</code>
          </xdf:schemaelementart>
          <xdf:struktur>
            <xdf:anzahl>1:1</xdf:anzahl>
            <xdf:enthaelt>
              <xdf:datenfeld>
                <xdf:identifikation>
                  <xdf:id>F60000000001</xdf:id>
                  <xdf:version>1.0.0</xdf:version>
                </xdf:identifikation>
                <xdf:name>Postleitzahl</xdf:name>{_V3_FIELD_HEAD}
                <xdf:bezeichnungEingabe>Postleitzahl</xdf:bezeichnungEingabe>
                <xdf:schemaelementart>
                  <code>HAR</code>
                </xdf:schemaelementart>
                <xdf:feldart>
                  <code>input</code>
                </xdf:feldart>
                <xdf:datentyp>
                  <code>text</code>
                </xdf:datentyp>
                <xdf:praezisierung pattern="[0-9]{{5}}" maxLength="5"/>
                <xdf:inhalt>12345</xdf:inhalt>
                <xdf:vorbefuellung>
                  <code>keine</code>
                </xdf:vorbefuellung>
              </xdf:datenfeld>
            </xdf:enthaelt>
          </xdf:struktur>
          <xdf:struktur>
            <xdf:anzahl>1:1</xdf:anzahl>
            <xdf:enthaelt>
              <xdf:datenfeld>
                <xdf:identifikation>
                  <xdf:id>F60000000002</xdf:id>
                  <xdf:version>1.0.0</xdf:version>
                </xdf:identifikation>
                <xdf:name>Art</xdf:name>{_V3_FIELD_HEAD}
                <xdf:bezeichnungEingabe>Art der Anmeldung</xdf:bezeichnungEingabe>
                <xdf:schemaelementart>
                  <code>HAR</code>
                </xdf:schemaelementart>
                <xdf:feldart>
                  <code>select</code>
                </xdf:feldart>
                <xdf:datentyp>
                  <code>text</code>
                </xdf:datentyp>
                <xdf:vorbefuellung>
                  <code>keine</code>
                </xdf:vorbefuellung>
                <xdf:werte>
                  <xdf:wert>
                    <xdf:code>E</xdf:code>
                    <xdf:name>Erstanmeldung</xdf:name>
                    <xdf:hilfe>Zum ersten Mal</xdf:hilfe>
                  </xdf:wert>
                  <xdf:wert>
                    <xdf:code>U</xdf:code>
                    <xdf:name>Ummeldung</xdf:name>
                  </xdf:wert>
                </xdf:werte>
              </xdf:datenfeld>
            </xdf:enthaelt>
          </xdf:struktur>
          <xdf:struktur>
            <xdf:anzahl>0:1</xdf:anzahl>
            <xdf:enthaelt>
              <xdf:datenfeld>
                <xdf:identifikation>
                  <xdf:id>F60000000003</xdf:id>
                  <xdf:version>1.0.0</xdf:version>
                </xdf:identifikation>
                <xdf:name>Nachweis</xdf:name>{_V3_FIELD_HEAD}
                <xdf:bezeichnungEingabe>Nachweis</xdf:bezeichnungEingabe>
                <xdf:schemaelementart>
                  <code>HAR</code>
                </xdf:schemaelementart>
                <xdf:feldart>
                  <code>input</code>
                </xdf:feldart>
                <xdf:datentyp>
                  <code>file</code>
                </xdf:datentyp>
                <xdf:vorbefuellung>
                  <code>keine</code>
                </xdf:vorbefuellung>
                <xdf:maxSize>1048576</xdf:maxSize>
                <xdf:mediaType>application/pdf</xdf:mediaType>
                <xdf:mediaType>image/jpeg</xdf:mediaType>
              </xdf:datenfeld>
            </xdf:enthaelt>
          </xdf:struktur>
        </xdf:datenfeldgruppe>
      </xdf:enthaelt>
    </xdf:struktur>
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
"""


def replace_once(document: str, old: str, new: str) -> str:
    """`document` with the first `old` replaced by `new`; fails loudly if `old` is absent."""
    assert old in document, old
    return document.replace(old, new, 1)
