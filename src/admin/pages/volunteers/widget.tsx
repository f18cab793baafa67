import { Link } from 'react-router-dom';
import { Widget } from '@strapi/strapi/admin';
import { Flex, Typography } from '@strapi/design-system';
import { formatDateTime } from '../../../contract/format';
import { useGet } from '../../_lib';
import { type OpenMission, freePlacesText, hasFreePlaces, missionUrl } from './open-missions';

/** Homepage widget « Missions avec des places libres »: the next missions one can still join, soonest first. */
export const OpenMissionsWidget = () => {
  const open = useGet('/back-office/missions/open', { select: (body: { data: OpenMission[] }) => body.data });
  if (open.loading) return <Widget.Loading>Chargement des missions…</Widget.Loading>;
  if (open.error || !open.data) return <Widget.Error>{open.error ?? undefined}</Widget.Error>;
  const missions = open.data.filter(hasFreePlaces).slice(0, 5);
  if (!missions.length) return <Widget.NoData>Aucune mission à venir n’a de place libre.</Widget.NoData>;
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="widget-open-missions">
      {missions.map((m) => (
        <Flex key={m.documentId} justifyContent="space-between" gap={2}>
          <Flex direction="column" alignItems="flex-start">
            <Link to={missionUrl(m.documentId)}>
              <Typography textColor="primary600">{m.title}</Typography>
            </Link>
            <Typography variant="pi" textColor="neutral600">
              {formatDateTime(m.startAt, 'medium')}
            </Typography>
          </Flex>
          <Typography textColor="success700" fontWeight="semiBold">
            {freePlacesText(m)}
          </Typography>
        </Flex>
      ))}
    </Flex>
  );
};
