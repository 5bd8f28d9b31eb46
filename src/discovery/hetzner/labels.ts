/** The label prefix both hetzner roles share. */
export const HETZNER_META = '__meta_hetzner_';
