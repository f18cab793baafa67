/** A mission one can still add people to, as GET /back-office/missions/open gives it. */
export interface OpenMission {
  documentId: string;
  title: string;
  startAt: string;
  places: { taken: number; capacity: number | null; free: number | null };
}

/** Free places, or no limit at all. */
export const hasFreePlaces = (m: OpenMission) => m.places.capacity === null || (m.places.free ?? 0) > 0;

export const freePlacesText = (m: OpenMission) =>
  m.places.capacity === null
    ? 'sans limite de places'
    : `${m.places.free} place${m.places.free === 1 ? '' : 's'} libre${m.places.free === 1 ? '' : 's'} sur ${m.places.capacity}`;

/** The mission's page in the content manager (its « Bénévoles » panel). */
export const missionUrl = (documentId: string) => `/content-manager/collection-types/api::mission.mission/${documentId}`;
