import * as React from 'react';
import { useNavigate } from 'react-router-dom';
import { Layouts, Page } from '@strapi/strapi/admin';
import { Box, Button, Field, Flex, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import listPlugin from '@fullcalendar/list';
import interactionPlugin from '@fullcalendar/interaction';
import frLocale from '@fullcalendar/core/locales/fr';
import type { DatesSetArg, EventInput } from '@fullcalendar/core';
import { dayInParis, formatDateTime } from '../../../contract/format';
import { enumLabel, enumOptions } from '../../../contract/labels';
import { ACTIONS } from '../../../contract/permissions';
import { useCan, useGet, usePost } from '../../_lib';
import { CalendarEntry, FeedState, MissionStatus, NO_POLE_COLOR, STATUS_COLORS, missionUrl } from './api';

const statusLabel = (status: MissionStatus) => enumLabel('api::mission.mission', 'status', status);
const FEED_URL = '/back-office/calendar/private-feed';

type ColourBy = 'pole' | 'status';

const toEvent = (m: CalendarEntry, colourBy: ColourBy): EventInput => {
  const colour = colourBy === 'status' ? STATUS_COLORS[m.status] : m.pole?.color || NO_POLE_COLOR;
  const places = m.capacity ? ` (${m.confirmed}/${m.capacity})` : m.confirmed ? ` (${m.confirmed})` : '';
  return {
    id: m.documentId,
    title: `${m.status === 'cancelled' ? `[${statusLabel('cancelled')}] ` : ''}${m.title}${places}`,
    start: m.start,
    end: m.end,
    backgroundColor: colour,
    borderColor: colour,
    classNames: m.status === 'cancelled' ? ['asso-cancelled'] : [],
    extendedProps: { entry: m },
  };
};

/** The bureau's private iCal URL: shown once when created, can be regenerated (the old one stops) or turned off. */
const PrivateFeed = () => {
  const canManage = useCan(ACTIONS.calendarFeed).allowed;
  const feed = useGet(FEED_URL, { select: (body: { data: FeedState }) => body.data });
  const action = usePost<{ data: FeedState }>();
  // the state after the last action (it alone carries the new URL), else the one loaded
  const state = action.data?.data ?? feed.data ?? null;
  const error = action.error ?? feed.error;
  const publicUrl = `${window.location.origin}/api/calendar.ics`;
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={5} marginTop={4} data-testid="calendar-feeds">
      <Typography variant="delta" tag="h2">
        Abonnements (téléphones, agendas)
      </Typography>
      <Box paddingTop={2}>
        <Typography>
          Agenda public (événements publics seulement) : <code>{publicUrl}</code>
        </Typography>
      </Box>
      <Box paddingTop={3}>
        {error && <Typography textColor="danger600">{error}</Typography>}
        {state?.url ? (
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Typography fontWeight="bold">
              Adresse secrète du calendrier du bureau (copiez-la maintenant : elle ne sera plus affichée) :
            </Typography>
            <TextInput
              aria-label="Adresse du calendrier du bureau"
              value={state.url}
              readOnly
              onFocus={(e: React.FocusEvent<HTMLInputElement>) => e.target.select()}
            />
          </Flex>
        ) : (
          <Typography>
            {state?.active
              ? `Calendrier du bureau (toutes les missions) : activé le ${formatDateTime(state.createdAt)}. L’adresse n’est affichée qu’à sa création ; régénérez-la si elle est perdue ou a circulé.`
              : 'Calendrier du bureau (toutes les missions) : pas encore activé.'}
          </Typography>
        )}
        {!canManage && (
          <Box paddingTop={2}>
            <Typography textColor="neutral600">
              Pour obtenir l’adresse, demandez-la à la personne qui gère le calendrier du bureau (responsable des bénévoles ou président).
            </Typography>
          </Box>
        )}
        {canManage && (
          <Flex gap={2} paddingTop={3}>
            <Button variant="secondary" loading={action.loading} onClick={() => action.send(FEED_URL, {})}>
              {state?.active ? 'Régénérer l’adresse (l’ancienne cessera de fonctionner)' : 'Créer l’adresse secrète'}
            </Button>
            {state?.active && (
              <Button
                variant="danger-light"
                disabled={action.loading}
                onClick={() => action.send(FEED_URL, undefined, { method: 'DELETE' })}
              >
                Désactiver
              </Button>
            )}
          </Flex>
        )}
      </Box>
    </Box>
  );
};

const CalendarPage = () => {
  const navigate = useNavigate();
  const [colourBy, setColourBy] = React.useState<ColourBy>('pole');
  // the period on screen, as FullCalendar reports it (its end is exclusive): days YYYY-MM-DD in Paris
  const [range, setRange] = React.useState<{ from: string; to: string } | null>(null);
  const onDatesSet = React.useCallback((arg: DatesSetArg) => {
    const next = { from: dayInParis(arg.start), to: dayInParis(arg.end) };
    setRange((prev) => (prev && prev.from === next.from && prev.to === next.to ? prev : next));
  }, []);
  const entries = useGet(range ? '/back-office/calendar' : null, {
    params: range ?? {},
    select: (body: { data: CalendarEntry[] }) => body.data,
  });
  const events = React.useMemo(() => (entries.data ?? []).map((m) => toEvent(m, colourBy)), [entries.data, colourBy]);
  const error = entries.error;

  return (
    <Page.Main>
      <Page.Title>Calendrier</Page.Title>
      <Layouts.Header title="Calendrier" subtitle="Toutes les missions et tous les événements. Cliquez sur une mission pour l’ouvrir." />
      <Layouts.Content>
        <Flex gap={4} paddingBottom={4} alignItems="flex-end">
          <Box width="240px">
            <Field.Root name="colourBy">
              <Field.Label>Couleurs</Field.Label>
              <SingleSelect aria-label="Couleurs" value={colourBy} onChange={(v: string | number) => setColourBy(v as ColourBy)}>
                <SingleSelectOption value="pole">Par pôle</SingleSelectOption>
                <SingleSelectOption value="status">Par statut</SingleSelectOption>
              </SingleSelect>
            </Field.Root>
          </Box>
          {colourBy === 'status' && (
            <Flex gap={3} wrap="wrap">
              {enumOptions('api::mission.mission', 'status').map(({ value, label }) => (
                <Flex key={value} gap={1}>
                  <Box width="12px" height="12px" hasRadius style={{ background: STATUS_COLORS[value as MissionStatus] }} />
                  <Typography variant="pi">{label}</Typography>
                </Flex>
              ))}
            </Flex>
          )}
        </Flex>
        {error && <Typography textColor="danger600">{error}</Typography>}
        <Box background="neutral0" hasRadius shadow="tableShadow" padding={4} data-testid="mission-calendar">
          <style>{'.asso-cancelled .fc-event-title, .asso-cancelled .fc-list-event-title { text-decoration: line-through; }'}</style>
          <FullCalendar
            plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
            locale={frLocale}
            initialView="dayGridMonth"
            headerToolbar={{ left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,listMonth' }}
            buttonText={{ listMonth: 'liste' }}
            height="auto"
            nowIndicator
            events={events}
            datesSet={onDatesSet}
            eventClick={(arg) => {
              arg.jsEvent.preventDefault();
              navigate(missionUrl(arg.event.id));
            }}
            eventDidMount={(arg) => {
              const m = arg.event.extendedProps.entry as CalendarEntry;
              arg.el.title = [
                m.title,
                m.pole?.name && `Pôle : ${m.pole.name}`,
                `Statut : ${statusLabel(m.status)}`,
                m.capacity ? `Places : ${m.confirmed}/${m.capacity}` : `Inscrits : ${m.confirmed}`,
                m.waitlisted ? `Liste d’attente : ${m.waitlisted}` : '',
              ]
                .filter(Boolean)
                .join('\n');
            }}
          />
        </Box>
        <PrivateFeed />
      </Layouts.Content>
    </Page.Main>
  );
};

export default CalendarPage;
