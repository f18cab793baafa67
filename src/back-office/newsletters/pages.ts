/** The small French pages a visitor sees after clicking a link from an e-mail. */
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const page = (title: string, body: string) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:48px auto;padding:0 16px;line-height:1.5;color:#222">
<h1 style="font-size:1.4em">${escapeHtml(title)}</h1>
${body}
</body></html>`;

/**
 * Shown by the link of a newsletter: it asks, and only the button (a POST) unsubscribes, since mail
 * scanners open links on their own. Nothing is recorded before the click.
 */
export const unsubscribeConfirmPage = (email: string, token: string) =>
  page(
    'Se désinscrire de la lettre d’information',
    `<p>Confirmez-vous la désinscription de <strong>${escapeHtml(email)}</strong> ? Cette adresse ne recevra plus nos lettres d’information.</p>
<form method="post" action="?token=${escapeHtml(encodeURIComponent(token))}"><button type="submit" style="font-size:1em;padding:8px 16px">Confirmer la désinscription</button></form>
<p>Si vous ne souhaitez pas vous désinscrire, fermez simplement cette page : rien n’a été modifié.</p>`
  );

export const unsubscribedPage = (email: string) =>
  page('Désinscription enregistrée', `<p>L’adresse <strong>${escapeHtml(email)}</strong> ne recevra plus nos lettres d’information.</p>`);

export const invalidLinkPage = () =>
  page(
    'Lien invalide ou expiré',
    '<p>Ce lien n’est pas valide ou a expiré. Vérifiez que vous avez copié le lien en entier, ou refaites la demande depuis notre site.</p>'
  );

export const confirmedPage = () =>
  page(
    'Inscription confirmée',
    '<p>Merci ! Vous recevrez désormais notre lettre d’information. Chaque envoi contient un lien pour vous désinscrire.</p>'
  );

/** Says nothing of the address's state: the same page whether the link was used, replaced or cancelled. */
export const usedConfirmationLinkPage = () =>
  page(
    'Lien déjà utilisé',
    '<p>Ce lien de confirmation ne peut plus servir : il a déjà été utilisé, ou une demande plus récente l’a remplacé. Si vous avez déjà confirmé votre inscription, vous n’avez rien d’autre à faire. Sinon, refaites la demande depuis notre site : un nouveau lien vous sera envoyé.</p>'
  );
