export { deletePrefix } from '@reelay/devstack';
