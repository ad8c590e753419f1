/** The license variants a pack can carry, with the names creators see. */
export const licenseTypes = [
  'personal',
  'commercial',
  'extended_commercial',
  'royalty_free',
  'attribution',
] as const;
export type PackLicenseType = (typeof licenseTypes)[number];

export const licenseLabels: Record<PackLicenseType, string> = {
  personal: 'Personal use',
  commercial: 'Commercial (standard)',
  extended_commercial: 'Extended commercial',
  royalty_free: 'Royalty-free',
  attribution: 'Attribution',
};
