/** The parts of bigbluebutton-js (untyped, CommonJS) the client test uses. */
declare module 'bigbluebutton-js' {
  interface Api {
    administration: {
      create(name: string, id: string, params?: Record<string, string>): string;
      join(fullName: string, meetingID: string, password: string, params?: Record<string, string>): string;
      end(meetingID: string, password: string): string;
    };
    monitoring: {
      getMeetingInfo(meetingID: string): string;
      isMeetingRunning(meetingID: string): string;
      getMeetings(): string;
    };
    recording: {
      getRecordings(params?: Record<string, string>): string;
      publishRecordings(recordID: string, publish: boolean): string;
      deleteRecordings(recordID: string): string;
      updateRecordings(recordID: string, params?: Record<string, string>): string;
    };
  }
  const bbb: {
    api(host: string, secret: string): Api;
    http(url: string): Promise<Record<string, unknown>>;
  };
  export default bbb;
}
