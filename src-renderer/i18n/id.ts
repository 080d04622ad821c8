/** Bahasa Indonesia: the default language of the kiosk. Keys are shared with en.ts. */
export const id = {
  'attract.title': 'Kembalikan botol & kaleng',
  'attract.subtitle': 'Dapatkan poin untuk setiap botol plastik dan kaleng kosong.',
  'attract.ready': 'Mesin siap',
  'attract.outOfService': 'Maaf, mesin ini sedang tidak dapat menerima barang.',
  'attract.outOfServiceHint': 'Petugas sudah diberi tahu. Silakan coba lagi nanti.',
  'attract.degraded': 'Mesin berjalan lambat, mohon bersabar.',
  'link.online': 'Terhubung',
  'link.degraded': 'Terganggu',
  'link.offline': 'Tidak terhubung',
  'link.connecting': 'Menghubungkan…',
  'language.switch': 'English',
  'language.label': 'Bahasa',
  'footer.version': 'Versi {version}',
} as const;

export type MessageKey = keyof typeof id;
