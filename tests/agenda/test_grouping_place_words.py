"""Words that name a place, found without the community's place names: an n-gram the
proposals around a place share says "this place", which their distance already says, so it
weighs no more than its rarity there (grouping.text_vectors with ``cells``)."""

import numpy as np
import pandas as pd

from workbench.agenda import grouping
from workbench.agenda.grouping import grid_cells, group_proposals, text_vectors

CENTRE = (-4.73, 41.65)
M = 1 / 83_000  # about one metre of longitude at 41.6° N

AROUND_DON_BOSCO = [
    (1, "Arreglo de aceras en Don Bosco", "Las aceras junto al complejo Don Bosco están rotas", 0),
    (2, "Renovación del césped del campo de fútbol del complejo Don Bosco", "", 40),
    (3, "Iluminación del aparcamiento del complejo Don Bosco", "Por la noche no se ve", 70),
    (4, "Fuente de agua potable en el complejo Don Bosco", "", 100),
    (5, "Reparar las aceras del complejo Don Bosco", "Aceras rotas y baldosas sueltas", 20),
]
ELSEWHERE = ["Bancos en la plaza Mayor", "Contenedores de reciclaje en calle Labradores",
             "Paso de cebra en la avenida de Salamanca", "Carril bici hasta el hospital",
             "Más árboles en el paseo del río", "Columpios nuevos en el parque Ribera",
             "Limpieza de pintadas en el túnel", "Marquesina en la parada de autobús",
             "Renovación del alumbrado de la calle Labradores",
             "Ampliación de la acera de la avenida de Salamanca"]


def frame(rows):
    return pd.DataFrame([{"id": i, "title": t, "description": d, "public_space_id": None,
                          "lon": CENTRE[0] + off * M, "lat": CENTRE[1]}
                         for i, t, d, off in rows])


def city():
    """Five proposals within 100 m naming Don Bosco (two ask for the same pavement repair),
    and others far away: no place names given, as for a city whose layers are not loaded."""
    return frame(AROUND_DON_BOSCO + [(10 + k, t, "", 3000 + 500 * k)
                                     for k, t in enumerate(ELSEWHERE)])


def item_of(groups, pid):
    return next(g for g in groups if pid in g)


def test_a_place_named_by_all_around_it_does_not_join_different_requests():
    groups = group_proposals(city())
    # weighed by their city-wide rarity alone, "Don Bosco" put all five in one item
    assert item_of(groups, 1) == [1, 5]
    assert item_of(groups, 4) == [4]


def test_two_alike_proposals_alone_at_a_place_keep_their_city_wide_weights():
    rows = frame([(1, "Reparar las aceras de la calle Salud", "Aceras rotas", 0),
                  (2, "Arreglo de las aceras de la calle Salud", "", 30)]
                 + [(10 + k, t, "", 3000 + 500 * k) for k, t in enumerate(ELSEWHERE)])
    titles, descriptions = rows["title"].tolist(), rows["description"].tolist()
    cells = grid_cells(np.radians(rows["lon"].to_numpy()), np.radians(rows["lat"].to_numpy()),
                       grouping.DISTANCE_M)
    # the words two proposals share because they ask the same thing are not the place's
    here = text_vectors(titles, descriptions, cells=cells)
    assert abs(here - text_vectors(titles, descriptions)).max() < 1e-12
    assert group_proposals(rows)[0] == [1, 2]


def test_points_within_the_distance_are_in_the_same_or_touching_squares():
    rng = np.random.default_rng(7)
    lon = np.radians(CENTRE[0] + rng.uniform(0, 2000, 300) * M)
    lat = np.radians(CENTRE[1] + rng.uniform(0, 2000, 300) / 111_000)
    cells = grid_cells(np.r_[lon, np.nan], np.r_[lat, np.nan], 120.0)
    assert np.isnan(cells[-1]).all()
    near = grouping.metres_between(lon[:, None], lat[:, None], lon[None], lat[None]) <= 120.0
    apart = np.abs(cells[:-1, None, :] - cells[None, :-1, :]).max(axis=2)
    assert near.sum() > 300 and (apart[near] <= 1).all()
