import type { Schema, Struct } from '@strapi/strapi';

export interface BooksBudgetLine extends Struct.ComponentSchema {
  collectionName: 'components_books_budget_lines';
  info: {
    description: "Une ligne du budget pr\u00E9visionnel d'une action subventionn\u00E9e (compte du plan associatif et montant pr\u00E9vu)";
    displayName: 'Ligne de budget';
    icon: 'priceTag';
  };
  attributes: {
    label: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
    number: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 8;
      }>;
    planned: Schema.Attribute.Decimal &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          min: 0;
        },
        number
      >;
  };
}

export interface BooksExpenseLine extends Struct.ComponentSchema {
  collectionName: 'components_books_expense_lines';
  info: {
    displayName: 'Ligne de note de frais';
    icon: 'priceTag';
  };
  attributes: {
    amount: Schema.Attribute.Decimal;
    date: Schema.Attribute.Date;
    electric: Schema.Attribute.Boolean & Schema.Attribute.DefaultTo<false>;
    fiscalPower: Schema.Attribute.Integer;
    kind: Schema.Attribute.Enumeration<['expense', 'mileage']> & Schema.Attribute.Required & Schema.Attribute.DefaultTo<'expense'>;
    km: Schema.Attribute.Integer;
    rate: Schema.Attribute.Float;
    scaleYear: Schema.Attribute.Integer;
    vehicle: Schema.Attribute.Enumeration<['car', 'motorcycle', 'moped']>;
    voucher: Schema.Attribute.Media<'images' | 'files'>;
    what: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
  };
}

export interface BooksOpeningBalance extends Struct.ComponentSchema {
  collectionName: 'components_books_opening_balances';
  info: {
    displayName: "Solde d'ouverture";
    icon: 'priceTag';
  };
  attributes: {
    amount: Schema.Attribute.Decimal & Schema.Attribute.Required;
    fiscalYear: Schema.Attribute.Integer &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 2100;
          min: 2000;
        },
        number
      >;
  };
}

export interface LogisticsEquipmentLine extends Struct.ComponentSchema {
  collectionName: 'components_logistics_equipment_lines';
  info: {
    displayName: 'Mat\u00E9riel';
    icon: 'briefcase';
  };
  attributes: {
    item: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
    quantity: Schema.Attribute.Integer &
      Schema.Attribute.SetMinMax<
        {
          min: 1;
        },
        number
      > &
      Schema.Attribute.DefaultTo<1>;
    status: Schema.Attribute.Enumeration<['needed', 'reserved', 'available', 'returned']> & Schema.Attribute.DefaultTo<'needed'>;
  };
}

export interface SharedLocation extends Struct.ComponentSchema {
  collectionName: 'components_shared_locations';
  info: {
    displayName: 'Lieu';
    icon: 'pinMap';
  };
  attributes: {
    address: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 255;
      }>;
    city: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
    latitude: Schema.Attribute.Float &
      Schema.Attribute.SetMinMax<
        {
          max: 90;
          min: -90;
        },
        number
      >;
    longitude: Schema.Attribute.Float &
      Schema.Attribute.SetMinMax<
        {
          max: 180;
          min: -180;
        },
        number
      >;
    name: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
    postalCode: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 10;
      }>;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'books.budget-line': BooksBudgetLine;
      'books.expense-line': BooksExpenseLine;
      'books.opening-balance': BooksOpeningBalance;
      'logistics.equipment-line': LogisticsEquipmentLine;
      'shared.location': SharedLocation;
    }
  }
}
