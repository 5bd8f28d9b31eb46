export { NotificationLog, receiverString, isFiringSubset, isResolvedSubset, type NflogEntry, type NflogReceiver, type NflogOptions } from './nflog.js';
