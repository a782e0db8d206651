import Foundation

/// Where each marketplace's hosts are: the production URLs by default, a simulator's in tests,
/// demo mode and staging.
public struct MarketplaceEndpoints: Sendable, Equatable {
    /// The base URL of Wildberries' feedbacks-api: reviews and questions.
    public var wildberriesFeedbacks: URL
    /// The base URL of Wildberries' buyer-chat-api.
    public var wildberriesChat: URL
    /// The base URL of the Ozon Seller API: reviews, questions and chats.
    public var ozonSeller: URL

    /// The production hosts unless told otherwise; tests, demo mode and staging pass their own.
    /// Which client reaches each one is the options' `clients` factory's choice.
    public init(wildberriesFeedbacks: URL = URL(string: "https://feedbacks-api.wildberries.ru")!,
                wildberriesChat: URL = URL(string: "https://buyer-chat-api.wildberries.ru")!,
                ozonSeller: URL = URL(string: "https://api-seller.ozon.ru")!) {
        self.wildberriesFeedbacks = wildberriesFeedbacks
        self.wildberriesChat = wildberriesChat
        self.ozonSeller = ozonSeller
    }
}
