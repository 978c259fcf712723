"""Place names written in capitals (DANE's DIVIPOLA) in Spanish title case."""
import pytest

from tracker.domain.place_names import place_name_case


@pytest.mark.parametrize("given, cased", [
    ("MANAURE BALCÓN DEL CESAR", "Manaure Balcón del Cesar"),
    ("SAN ANDRÉS DE TUMACO", "San Andrés de Tumaco"),
    ("EL CARMEN DE BOLÍVAR", "El Carmen de Bolívar"),  # a particle first stays capitalised
    ("LA UNIÓN", "La Unión"),
    ("ALTO PATÍA Y NORTE DEL CAUCA", "Alto Patía y Norte del Cauca"),
    ("VALLE DE SAN JUAN", "Valle de San Juan"),
    ("SAN LUIS DE LOS PALMITOS", "San Luis de los Palmitos"),
    ("BOGOTÁ, D.C.", "Bogotá, D.C."),  # an abbreviation with dots stays as written
    ("PIENDAMÓ - TUNÍA", "Piendamó - Tunía"),
    ("CARMEN DEL DARIÉN", "Carmen del Darién"),
    ("ÑUFLO DE CHÁVEZ", "Ñuflo de Chávez"),
])
def test_capitals_become_spanish_title_case(given, cased):
    assert place_name_case(given) == cased


@pytest.mark.parametrize("given", ["Colombia", "Cartagena de Indias", "La Paz", "", "  "])
def test_a_name_with_lower_case_letters_is_kept_as_given(given):
    assert place_name_case(given) == given


def test_casing_twice_changes_nothing():
    once = place_name_case("ARCHIPIÉLAGO DE SAN ANDRÉS, PROVIDENCIA Y SANTA CATALINA")
    assert once == "Archipiélago de San Andrés, Providencia y Santa Catalina"
    assert place_name_case(once) == once
