/** The vocabulary of the demo association: French names, places, trades, activities. */

export const FEMALE_FIRST_NAMES = [
  'Marie', 'Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Sarah', 'Julie', 'Laura', 'Claire', 'Sophie',
  'Isabelle', 'Nathalie', 'Sandrine', 'Catherine', 'Christine', 'Anne', 'Hélène', 'Valérie', 'Céline', 'Aurélie',
  'Élodie', 'Pauline', 'Lucie', 'Mathilde', 'Jeanne', 'Louise', 'Alice', 'Zoé', 'Yasmine', 'Fatima', 'Amina',
  'Nadia', 'Monique', 'Françoise', 'Brigitte', 'Martine', 'Sylvie', 'Agnès', 'Margaux', 'Océane', 'Anaïs', 'Maëlle',
];

export const MALE_FIRST_NAMES = [
  'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Nathan', 'Thomas', 'Nicolas', 'Julien', 'Maxime',
  'Antoine', 'Alexandre', 'Pierre', 'Philippe', 'Michel', 'Jean', 'François', 'Laurent', 'Olivier', 'Stéphane',
  'Christophe', 'Frédéric', 'Sébastien', 'Vincent', 'David', 'Mathieu', 'Romain', 'Benoît', 'Yann', 'Karim',
  'Mehdi', 'Youssef', 'Mamadou', 'Bernard', 'Alain', 'Gérard', 'Patrick', 'Thierry', 'Éric', 'Damien', 'Quentin',
];

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon',
  'Michel', 'Lefebvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet', 'Dupont',
  'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Lefèvre', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin',
  'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia', 'Perrin', 'Robin', 'Clément',
  'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Gautier', 'Masson', 'Marchand', 'Duval', 'Denis', 'Dumont',
  'Marie', 'Lemaire', 'Noël', 'Meyer', 'Dufour', 'Meunier', 'Brun', 'Blanchard', 'Giraud', 'Joly', 'Rivière',
  'Lucas', 'Brunet', 'Gaillard', 'Barbier', 'Arnaud', 'Martinez', 'Gérard', 'Roche', 'Renard', 'Schmitt', 'Roy',
  'Leroux', 'Colin', 'Vidal', 'Caron', 'Picard', 'Roger', 'Fabre', 'Aubert', 'Lemoine', 'Renaud', 'Dumas', 'Lacroix',
  'Olivier', 'Philippe', 'Bourgeois', 'Pierre', 'Benoît', 'Rey', 'Leclerc', 'Payet', 'Rolland', 'Leclercq', 'Guillaume',
  'Benali', 'Haddad', 'Nguyen', 'Diallo', 'Traoré', 'Da Silva', 'Ferreira', 'Kowalski', 'Le Goff', 'Le Gall', 'Perez',
];

/** Most members live in and around the association's town (Lyon), some further away. */
export const CITIES: Array<{ city: string; postalCode: string; lat: number; lng: number; weight: number }> = [
  { city: 'Lyon', postalCode: '69003', lat: 45.7597, lng: 4.8422, weight: 20 },
  { city: 'Lyon', postalCode: '69007', lat: 45.7457, lng: 4.8427, weight: 14 },
  { city: 'Lyon', postalCode: '69008', lat: 45.7343, lng: 4.8696, weight: 10 },
  { city: 'Villeurbanne', postalCode: '69100', lat: 45.7719, lng: 4.8902, weight: 16 },
  { city: 'Vénissieux', postalCode: '69200', lat: 45.6975, lng: 4.8867, weight: 8 },
  { city: 'Bron', postalCode: '69500', lat: 45.7386, lng: 4.9131, weight: 6 },
  { city: 'Caluire-et-Cuire', postalCode: '69300', lat: 45.7953, lng: 4.8469, weight: 5 },
  { city: 'Oullins', postalCode: '69600', lat: 45.7147, lng: 4.8075, weight: 4 },
  { city: 'Vaulx-en-Velin', postalCode: '69120', lat: 45.7786, lng: 4.9225, weight: 5 },
  { city: 'Écully', postalCode: '69130', lat: 45.7747, lng: 4.7775, weight: 3 },
  { city: 'Saint-Priest', postalCode: '69800', lat: 45.6964, lng: 4.9439, weight: 4 },
  { city: 'Villefranche-sur-Saône', postalCode: '69400', lat: 45.9897, lng: 4.7186, weight: 2 },
  { city: 'Saint-Étienne', postalCode: '42000', lat: 45.4397, lng: 4.3872, weight: 2 },
  { city: 'Grenoble', postalCode: '38000', lat: 45.1885, lng: 5.7245, weight: 1 },
  { city: 'Bourg-en-Bresse', postalCode: '01000', lat: 46.2052, lng: 5.2255, weight: 1 },
  { city: 'Vienne', postalCode: '38200', lat: 45.5255, lng: 4.8746, weight: 1 },
];

export const STREETS = [
  'rue de la République', 'avenue Jean Jaurès', 'rue Victor Hugo', 'boulevard des Belges', 'rue Garibaldi',
  'cours Gambetta', 'rue Paul Bert', 'avenue Berthelot', 'rue de Marseille', 'rue Pasteur', 'place Bellecour',
  'rue des Tables Claudiennes', 'rue Saint-Jean', 'avenue Lacassagne', 'rue Francis de Pressensé', 'cours Émile Zola',
  'rue Anatole France', 'chemin des Vignes', 'allée des Tilleuls', 'impasse des Lilas',
];

/**
 * Working adults' professions, [masculine, feminine] (pupils, students and retirees are given by age).
 * Spreadsheet exports and statistics group them as written.
 */
export const PROFESSIONS: Array<[string, string]> = [
  ['Enseignant', 'Enseignante'], ['Infirmier', 'Infirmière'], ['Comptable', 'Comptable'], ['Développeur web', 'Développeuse web'],
  ['Ingénieur', 'Ingénieure'], ['Aide-soignant', 'Aide-soignante'], ['Commercial', 'Commerciale'], ['Artisan boulanger', 'Artisane boulangère'],
  ['Graphiste', 'Graphiste'], ['Assistant social', 'Assistante sociale'], ['Médecin', 'Médecin'], ['Chauffeur livreur', 'Chauffeuse livreuse'],
  ['Agent administratif', 'Agente administrative'], ['Chef de projet', 'Cheffe de projet'], ['Électricien', 'Électricienne'], ['Libraire', 'Libraire'],
  ['Pharmacien', 'Pharmacienne'], ['Sans emploi', 'Sans emploi'], ['Juriste', 'Juriste'], ['Éducateur spécialisé', 'Éducatrice spécialisée'],
  ['Cuisinier', 'Cuisinière'], ['Journaliste', 'Journaliste'], ['Architecte', 'Architecte'], ['Agriculteur', 'Agricultrice'],
  ['Photographe', 'Photographe'], ['Technicien de maintenance', 'Technicienne de maintenance'], ['Aide à domicile', 'Aide à domicile'], ['Employé de commerce', 'Employée de commerce'],
];

/** How the member heard of the association (the bureau's statistics group members by origin). */
export const ORIGINS = ['Bouche-à-oreille', 'Site internet', 'Réseaux sociaux', 'Forum des associations', 'Mairie', 'Événement de l’association', 'Presse locale', 'Entreprise partenaire'];
export const ORIGIN_WEIGHTS = [30, 18, 16, 12, 6, 10, 4, 4];

export const POLES = [
  { name: 'Solidarité', description: 'Distributions, maraudes, accompagnement des familles.', color: '#D9480F' },
  { name: 'Événements', description: 'Fêtes de quartier, concerts, forum des associations.', color: '#5F3DC4' },
  { name: 'Environnement', description: 'Nettoyages, jardins partagés, ateliers réparation.', color: '#2B8A3E' },
  { name: 'Éducation', description: 'Soutien scolaire, ateliers numériques, alphabétisation.', color: '#1971C2' },
  { name: 'Communication', description: 'Site, réseaux sociaux, affiches, newsletter.', color: '#C2255C' },
  { name: 'Logistique', description: 'Matériel, transport, stockage, installation.', color: '#495057' },
];

export const SKILLS = [
  'Premiers secours (PSC1)', 'Permis B', 'Permis poids lourd', 'Cuisine', 'Animation jeunesse', 'Soutien scolaire',
  'Langue des signes', 'Anglais', 'Arabe', 'Espagnol', 'Photographie', 'Graphisme', 'Réseaux sociaux', 'Comptabilité',
  'Bricolage', 'Jardinage', 'Informatique', 'Musique', 'Sonorisation', 'Secrétariat',
];

export const AVAILABILITY_SLOTS = [
  { code: 'weekday-mornings', name: 'Matins en semaine' },
  { code: 'weekday-afternoons', name: 'Après-midi en semaine' },
  { code: 'weekday-evenings', name: 'Soirées en semaine' },
  { code: 'weekends', name: 'Week-ends' },
  { code: 'school-holidays', name: 'Vacances scolaires' },
];

export const MEMBERSHIP_TYPES = [
  { key: 'annual', name: 'Adhésion annuelle', amount: 20, durationMonths: null, description: 'Adhésion pour l’exercice en cours (du 1er janvier au 31 décembre).' },
  { key: 'support', name: 'Adhésion de soutien', amount: 50, durationMonths: null, description: 'Adhésion annuelle avec un soutien renforcé à l’association.' },
  { key: 'reduced', name: 'Tarif réduit', amount: 10, durationMonths: null, description: 'Étudiants, demandeurs d’emploi, moins de 18 ans.' },
  { key: 'rolling', name: 'Adhésion 12 mois', amount: 25, durationMonths: 12, description: 'Valable douze mois à partir de la date de paiement.' },
] as const;

export const MISSION_TEMPLATES: Array<{ title: string; kind: 'mission' | 'event'; pole: string; hours: [number, number]; public: boolean; summary: string; equipment: string[] }> = [
  { title: 'Distribution alimentaire', kind: 'mission', pole: 'Solidarité', hours: [3, 4], public: false, summary: 'Préparation et distribution des colis aux familles inscrites.', equipment: ['Tables pliantes', 'Caisses de transport', 'Gants'] },
  { title: 'Maraude du soir', kind: 'mission', pole: 'Solidarité', hours: [3, 3], public: false, summary: 'Tournée auprès des personnes sans abri : boissons chaudes, couvertures, écoute.', equipment: ['Thermos', 'Couvertures', 'Gilets réfléchissants'] },
  { title: 'Fête de quartier', kind: 'event', pole: 'Événements', hours: [6, 8], public: true, summary: 'Jeux, musique et repas partagé sur la place du quartier.', equipment: ['Barnums', 'Sono', 'Tables pliantes', 'Guirlandes'] },
  { title: 'Concert solidaire', kind: 'event', pole: 'Événements', hours: [4, 5], public: true, summary: 'Concert au profit des actions de l’association.', equipment: ['Sono', 'Éclairage', 'Caisse'] },
  { title: 'Nettoyage des berges du Rhône', kind: 'event', pole: 'Environnement', hours: [3, 4], public: true, summary: 'Ramassage des déchets le long des berges, ouvert à tous.', equipment: ['Pinces', 'Sacs poubelle', 'Gants'] },
  { title: 'Repair Café', kind: 'event', pole: 'Environnement', hours: [3, 4], public: true, summary: 'Atelier de réparation d’objets du quotidien avec des bénévoles bricoleurs.', equipment: ['Caisses à outils', 'Fer à souder', 'Multiprises'] },
  { title: 'Jardin partagé : plantations', kind: 'mission', pole: 'Environnement', hours: [2, 3], public: false, summary: 'Entretien du jardin partagé et plantations de saison.', equipment: ['Bêches', 'Arrosoirs', 'Plants'] },
  { title: 'Soutien scolaire', kind: 'mission', pole: 'Éducation', hours: [2, 2], public: false, summary: 'Aide aux devoirs pour les collégiens du quartier.', equipment: ['Manuels', 'Ordinateurs portables'] },
  { title: 'Atelier numérique seniors', kind: 'event', pole: 'Éducation', hours: [2, 2], public: true, summary: 'Prise en main du smartphone et des démarches en ligne.', equipment: ['Tablettes', 'Vidéoprojecteur'] },
  { title: 'Forum des associations', kind: 'event', pole: 'Communication', hours: [5, 7], public: true, summary: 'Stand de l’association pour rencontrer les habitants et recruter des bénévoles.', equipment: ['Stand', 'Kakémono', 'Flyers'] },
  { title: 'Collecte de vêtements', kind: 'mission', pole: 'Logistique', hours: [3, 4], public: false, summary: 'Tri et rangement des dons de vêtements.', equipment: ['Cartons', 'Portants', 'Camionnette'] },
  { title: 'Assemblée générale', kind: 'event', pole: 'Communication', hours: [2, 3], public: false, summary: 'Assemblée générale annuelle des adhérents.', equipment: ['Vidéoprojecteur', 'Micro', 'Feuilles d’émargement'] },
];

export const VENUES = [
  { name: 'Maison des associations', address: '28 rue Denfert-Rochereau', postalCode: '69004', city: 'Lyon', latitude: 45.7766, longitude: 4.8289 },
  { name: 'Salle des fêtes Paul Bert', address: '12 rue Paul Bert', postalCode: '69003', city: 'Lyon', latitude: 45.7589, longitude: 4.8512 },
  { name: 'Place Guichard', address: 'Place Guichard', postalCode: '69003', city: 'Lyon', latitude: 45.7592, longitude: 4.8477 },
  { name: 'Berges du Rhône', address: 'Quai Victor Augagneur', postalCode: '69003', city: 'Lyon', latitude: 45.7601, longitude: 4.8416 },
  { name: 'Local de l’association', address: '14 rue Garibaldi', postalCode: '69007', city: 'Lyon', latitude: 45.7503, longitude: 4.8521 },
  { name: 'Centre social Gratte-Ciel', address: '2 avenue Henri Barbusse', postalCode: '69100', city: 'Villeurbanne', latitude: 45.7686, longitude: 4.8799 },
  { name: 'Jardin partagé des Pentes', address: 'Montée de la Grande Côte', postalCode: '69001', city: 'Lyon', latitude: 45.7712, longitude: 4.8305 },
];

export const PARTNERS: Array<{ name: string; kind: 'public_body' | 'company' | 'association' | 'foundation' | 'other'; contact: string; website: string; description: string }> = [
  { name: 'Mairie de Lyon', kind: 'public_body', contact: 'Service de la vie associative', website: 'https://www.lyon.fr', description: 'Subvention de fonctionnement et prêt de salles.' },
  { name: 'Mairie du 3e arrondissement', kind: 'public_body', contact: 'Cabinet du maire', website: 'https://mairie3.lyon.fr', description: 'Soutien aux fêtes de quartier.' },
  { name: 'Métropole de Lyon', kind: 'public_body', contact: 'Direction de l’insertion', website: 'https://www.grandlyon.com', description: 'Appels à projets solidarité et environnement.' },
  { name: 'Département du Rhône', kind: 'public_body', contact: 'Service jeunesse', website: 'https://www.rhone.fr', description: 'Soutien aux actions éducatives.' },
  { name: 'CAF du Rhône', kind: 'public_body', contact: 'Pôle partenariats', website: 'https://www.caf.fr', description: 'Financement du soutien scolaire.' },
  { name: 'Région Auvergne-Rhône-Alpes', kind: 'public_body', contact: 'Direction de la vie associative', website: 'https://www.auvergnerhonealpes.fr', description: 'Fonds régional pour la vie associative.' },
  { name: 'Boulangerie Au Bon Pain', kind: 'company', contact: 'Mme Girard', website: '', description: 'Dons d’invendus pour les distributions.' },
  { name: 'Supermarché Croix-Rousse', kind: 'company', contact: 'M. Fabre, directeur', website: '', description: 'Collectes alimentaires en magasin.' },
  { name: 'Imprimerie Rhône Print', kind: 'company', contact: 'Service commercial', website: 'https://rhoneprint.example.fr', description: 'Impression des affiches à prix coûtant.' },
  { name: 'Banque Coopérative Lyonnaise', kind: 'company', contact: 'Responsable mécénat', website: '', description: 'Mécénat financier annuel.' },
  { name: 'Transports Duval', kind: 'company', contact: 'M. Duval', website: '', description: 'Prêt d’une camionnette pour les collectes.' },
  { name: 'Fondation de France', kind: 'foundation', contact: 'Comité Rhône-Alpes', website: 'https://www.fondationdefrance.org', description: 'Appel à projets « Vivre ensemble ».' },
  { name: 'Fondation Abbé Pierre', kind: 'foundation', contact: 'Délégation régionale', website: 'https://www.fondation-abbe-pierre.fr', description: 'Soutien aux maraudes.' },
  { name: 'Fondation Orange', kind: 'foundation', contact: 'Programme numérique', website: 'https://www.fondationorange.com', description: 'Équipement des ateliers numériques.' },
  { name: 'Secours populaire – comité local', kind: 'association', contact: 'Secrétariat', website: '', description: 'Orientation des familles et actions communes.' },
  { name: 'Les Petits Frères des Pauvres', kind: 'association', contact: 'Équipe de Lyon', website: '', description: 'Visites aux personnes âgées isolées.' },
  { name: 'Centre social Gratte-Ciel', kind: 'other', contact: 'Direction', website: '', description: 'Prêt de salles et publics partagés.' },
  { name: 'Collège Jean Moulin', kind: 'public_body', contact: 'Principal adjoint', website: '', description: 'Partenaire du soutien scolaire.' },
];

export const SUBSIDY_TITLES = ['Subvention de fonctionnement', 'Appel à projets solidarité', 'Fonds pour la vie associative', 'Projet jardins partagés', 'Soutien scolaire', 'Ateliers numériques', 'Fête de quartier', 'Équipement logistique'];

export const COMPANY_DONORS = ['Pharmacie du Parc', 'Garage Moreau', 'Cabinet Lefèvre Avocats', 'SARL Bâti-Rhône', 'Librairie Les Mots', 'Café des Sports', 'Boucherie Chevalier', 'Agence Immobilière Roux', 'Optique Bonnet', 'Électricité Garnier', 'Traiteur Saveurs du Monde', 'Atelier Vélo Lyonnais'];

export const CAMPAIGNS = ['Appel aux dons de fin d’année', 'Campagne hiver solidaire', 'Concert solidaire', 'Collecte fête de quartier', 'Projet jardin partagé', null, null];

export const ARTICLES: Array<{ title: string; category: 'news' | 'event' | 'association_life' | 'partners' | 'press'; excerpt: string; paragraphs: string[]; color: string }> = [
  { title: 'Retour sur la fête de quartier', category: 'event', color: '#5F3DC4', excerpt: 'Plus de 400 habitants ont partagé un après-midi de jeux, de musique et un grand repas.', paragraphs: ['Merci aux 35 bénévoles mobilisés depuis le matin pour installer les barnums et préparer le repas partagé.', 'Rendez-vous l’année prochaine, avec encore plus d’ateliers pour les enfants !'] },
  { title: 'Nouvelle saison du soutien scolaire', category: 'news', color: '#1971C2', excerpt: 'Les séances d’aide aux devoirs reprennent le mardi et le jeudi à partir de 17 h.', paragraphs: ['Nous accueillons cette année 40 collégiens, avec le soutien de la CAF du Rhône.', 'Vous avez deux heures par semaine ? Rejoignez l’équipe des bénévoles.'] },
  { title: 'Bilan de la campagne hiver solidaire', category: 'association_life', color: '#D9480F', excerpt: '1 200 colis distribués et 45 maraudes réalisées cet hiver.', paragraphs: ['Grâce à vos dons et à l’engagement des bénévoles, nous avons pu soutenir 180 familles.', 'Le détail des chiffres sera présenté lors de l’assemblée générale.'] },
  { title: 'Un nouveau partenariat avec la Fondation de France', category: 'partners', color: '#2B8A3E', excerpt: 'La Fondation de France soutient notre projet « Vivre ensemble » pour deux ans.', paragraphs: ['Ce financement permettra d’ouvrir un deuxième jardin partagé et d’acheter du matériel.', 'Merci à Julie et à toute l’équipe partenariats pour ce dossier.'] },
  { title: 'L’association dans la presse locale', category: 'press', color: '#495057', excerpt: 'Le Progrès consacre un article à nos ateliers Repair Café.', paragraphs: ['Chaque mois, une quinzaine d’objets retrouvent une seconde vie grâce à nos bénévoles bricoleurs.', 'Prochain atelier : le premier samedi du mois au local.'] },
  { title: 'Assemblée générale : les grandes décisions', category: 'association_life', color: '#C2255C', excerpt: 'Le nouveau bureau a été élu et le rapport financier approuvé à l’unanimité.', paragraphs: ['Le compte rendu complet est disponible auprès du secrétariat.', 'Merci à toutes et tous pour votre participation.'] },
  { title: 'Nettoyage des berges : 300 kg de déchets ramassés', category: 'event', color: '#2B8A3E', excerpt: 'Une matinée conviviale et utile avec 60 participants.', paragraphs: ['Les déchets ont été triés puis confiés au service propreté de la Métropole.', 'Prochaine édition au printemps.'] },
  { title: 'Appel à bénévoles pour le forum des associations', category: 'news', color: '#1971C2', excerpt: 'Nous cherchons des volontaires pour tenir le stand et accueillir les visiteurs.', paragraphs: ['Inscrivez-vous auprès de Nadia, responsable des bénévoles.', 'Une formation rapide sera proposée la veille.'] },
];

export const DOCUMENTS: Array<{ title: string; category: 'minutes' | 'statutes' | 'financial' | 'report' | 'contract' | 'other'; confidential: boolean; description: string }> = [
  { title: 'Statuts de l’association', category: 'statutes', confidential: false, description: 'Statuts adoptés lors de l’assemblée générale constitutive, mis à jour.' },
  { title: 'Compte rendu de l’assemblée générale', category: 'minutes', confidential: false, description: 'Procès-verbal de la dernière assemblée générale.' },
  { title: 'Compte rendu du bureau', category: 'minutes', confidential: true, description: 'Réunion du bureau : budget, recrutement, calendrier.' },
  { title: 'Rapport financier annuel', category: 'financial', confidential: true, description: 'Bilan et compte de résultat de l’exercice.' },
  { title: 'Rapport d’activité', category: 'report', confidential: false, description: 'Actions menées, chiffres clés et perspectives.' },
  { title: 'Convention de partenariat avec la Mairie de Lyon', category: 'contract', confidential: true, description: 'Convention pluriannuelle d’objectifs.' },
];

export const ASSOCIATION = {
  name: 'Solidarités Rhône Ensemble',
  legalForm: 'Association loi 1901',
  rna: 'W691234567',
  siren: '812345678',
  address: '14 rue Garibaldi',
  postalCode: '69007',
  city: 'Lyon',
  email: 'contact@solidarites-rhone.example.fr',
  phone: '04 78 12 34 56',
  website: 'https://solidarites-rhone.example.fr',
  object: 'Favoriser la solidarité, le lien social et la protection de l’environnement dans la métropole lyonnaise.',
  presidentName: 'Paulo Maricoulous',
  fiscalYearStartMonth: 1,
  duesGraceDays: 30,
};

/** The demo association may issue tax receipts (an association of general interest); the signature image is drawn by the seed. */
export const RECEIPT_SETTINGS = {
  receiptsEnabled: true,
  receiptCategory: 'general_interest',
  receiptArticle200: true,
  receiptArticle978: false,
  receiptArticle238bis: true,
  receiptSignatoryName: 'Sophie Lambert',
  receiptSignatoryCapacity: 'Trésorière',
};
